// The choices offered by the image viewer's toolbar.
import { CLIENT_STRETCHES } from "./stretch";

export const STRETCHES = [...CLIENT_STRETCHES, "histeq"] as const;

/** Cut-level methods the server computes (`Description.cuts`), then the user's own numbers. */
export const LIMITS: { value: string; label: string }[] = [
  { value: "minmax", label: "min / max" },
  { value: "zscale", label: "zscale" },
  { value: "zmax", label: "zmax" },
  { value: "p99.5", label: "99.5 %" },
  { value: "p99", label: "99 %" },
  { value: "p95", label: "95 %" },
  { value: "user", label: "user" },
];

/** The colormaps in the select; any other matplotlib name can be typed in. */
export const COLORMAPS = [
  "gray",
  "viridis",
  "magma",
  "inferno",
  "plasma",
  "cividis",
  "hot",
  "afmhot",
  "gist_heat",
  "cubehelix",
  "coolwarm",
  "RdBu",
  "Spectral",
  "jet",
  "rainbow",
  "nipy_spectral",
  "bone",
  "pink",
  "Greys",
  "Blues",
  "Reds",
  "twilight",
  "turbo",
  "grey",
];

/** More matplotlib names, offered as suggestions for the free-text colormap field. */
export const MORE_COLORMAPS = [
  "binary",
  "gist_gray",
  "gist_yarg",
  "gist_earth",
  "gist_stern",
  "gist_ncar",
  "gist_rainbow",
  "ocean",
  "terrain",
  "cool",
  "spring",
  "summer",
  "autumn",
  "winter",
  "copper",
  "Wistia",
  "Purples",
  "Greens",
  "Oranges",
  "YlOrRd",
  "YlGnBu",
  "PuBu",
  "BuPu",
  "seismic",
  "bwr",
  "PiYG",
  "PRGn",
  "BrBG",
  "RdYlBu",
  "twilight_shifted",
  "hsv",
  "gnuplot",
  "gnuplot2",
  "CMRmap",
  "brg",
  "flag",
  "prism",
];

/** The colormap select's value for "type a name". */
export const CUSTOM_CMAP = "__custom__";

export const DEFAULT_STRETCH = "linear";
export const DEFAULT_LIMITS = "zscale";
export const DEFAULT_CMAP = "gray";
