"""Source detection: sep against photutils on one DECam-size CCD (speed, completeness), and a generated
exposure through the job's per-CCD pool with 1 and 2 workers against the same library run directly.

Prints ``name: value`` lines. ``--full`` uses a 62-CCD exposure of 4096×2048 CCDs (about 10 s a CCD
per run on 2 shared cores, three runs: ~30 minutes, ~2 GB of disk); ``--full --ccds 16`` the first 16
CCDs of it; the default (what CI runs, about a minute) a 4-CCD exposure of 1024×512 CCDs and a
2048×4096 CCD.

The machine's load moves wall times (``*_seconds``) a lot; ``*_cpu_seconds`` (this process's CPU
time, all threads) and the ratios of figures measured in the same run are the steadier figures.

Baselines in the same run: ``exposure_direct_seconds`` is the library (``detect_image``: photutils'
background, sep, placement) CCD after CCD, no pool; ``exposure_sep_script_seconds`` is what an astronomer
would write with sep alone (astropy reads each CCD, ``sep.Background`` and ``sep.extract`` with the
same threshold, minimum area and 2.5 px Gaussian filter): the floor, without photutils' sigma-clipped
background, NaN handling or the table's columns.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def completeness(
    found: dict[str, np.ndarray], truth: dict[str, np.ndarray], shape: tuple[int, int], snr: float
) -> float:
    """Fraction of isolated stars (none within 8 px, 5 px from the edge) with a peak above `snr` noise sigma
    that have a detection within 1 px."""
    xy = np.c_[truth["x"], truth["y"]]
    nearest = cKDTree(xy).query(xy, k=2)[0][:, 1]
    inside = (xy[:, 0] > 5) & (xy[:, 0] < shape[1] - 5) & (xy[:, 1] > 5) & (xy[:, 1] < shape[0] - 5)
    bright = (truth["peak"] > snr * 5.0) & (nearest > 8) & inside
    if found["x"].size == 0:
        return 0.0
    distance = cKDTree(np.c_[found["x"], found["y"]]).query(xy[bright])[0]
    return float(np.mean(distance < 1.0))


def one_ccd(shape: tuple[int, int]) -> None:
    from workers.analysis.detect import detect
    from workers.imaging.synthetic import star_field, star_field_stars

    n_stars = shape[0] * shape[1] // 2000
    image = star_field(shape, n_stars=n_stars, seed=11, noise=5.0)
    truth = star_field_stars(shape, n_stars=n_stars, seed=11, noise=5.0)
    print(f"ccd_pixels: {shape[1]}x{shape[0]}")
    print(f"ccd_stars: {truth['x'].size}")
    times = {}
    for method, deblend in (("sep", True), ("sep", False), ("photutils", False)):
        start = time.perf_counter()
        found = detect(image, method=method, deblend=deblend)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        name = f"{method}{'_deblend' if deblend else ''}"
        times[name] = seconds
        print(f"ccd_{name}_seconds: {seconds:.2f}")
        print(f"ccd_{name}_sources: {found['x'].size}")
        for snr in (5, 10):
            print(f"ccd_{name}_completeness_peak_gt_{snr}sigma: {completeness(found, truth, shape, snr):.3f}")
    print(f"ccd_photutils_over_sep: {times['photutils'] / times['sep']:.2f}")


def sep_script(path: Path) -> tuple[float, int]:
    """Seconds and sources of a plain script: each CCD through sep alone (its own background)."""
    import sep
    from astropy.io import fits

    sep.set_extract_pixstack(10_000_000)
    sep.set_sub_object_limit(4096)
    kernel = np.outer(*(2 * [np.exp(-0.5 * (np.arange(-2, 3) / (2.5 / 2.3548)) ** 2)]))
    start = time.perf_counter()
    found = 0
    with fits.open(path, memmap=True) as hdus:
        for hdu in hdus[1:]:
            data = np.ascontiguousarray(hdu.data, dtype=np.float64)
            bkg = sep.Background(data, bw=64, bh=64, fw=3, fh=3)
            objects = sep.extract(data - bkg, 3.0, err=bkg.globalrms, minarea=5, filter_kernel=kernel)
            found += len(objects)
    return time.perf_counter() - start, found


def exposure(n_ccds: int, ccd_shape: tuple[int, int], folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "toyz_site.settings"
    os.environ["TOYZ_VAR_DIR"] = str(folder / "var")
    os.environ.pop("TOYZ_REDIS_URL", None)
    os.environ.setdefault("TOYZ_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from apps.analysis import fanout
    from apps.analysis.jobs.detect import _detect_one
    from workers.analysis.detect import Settings, detect_image, pieces
    from workers.imaging.synthetic import write_decam_like

    path = write_decam_like(folder / "exposure.fits", n_ccds=n_ccds, ccd_shape=ccd_shape, seed=3)
    print(f"exposure_ccds: {n_ccds}")
    print(f"exposure_ccd_pixels: {ccd_shape[1]}x{ccd_shape[0]}")
    settings = Settings()
    start, cpu = time.perf_counter(), time.process_time()
    table, _ = detect_image(path, hdu=-1, plane=0, settings=settings)
    direct = time.perf_counter() - start
    direct_cpu = time.process_time() - cpu
    print(f"exposure_direct_seconds: {direct:.2f}")
    print(f"exposure_direct_cpu_seconds: {direct_cpu:.2f}")
    print(f"exposure_sources: {table['x'].size}")
    cpu = time.process_time()
    script, script_sources = sep_script(path)
    script_cpu = time.process_time() - cpu
    print(f"exposure_sep_script_seconds: {script:.2f}")
    print(f"exposure_sep_script_cpu_seconds: {script_cpu:.2f}")
    print(f"exposure_direct_over_sep_script_cpu: {direct_cpu / script_cpu:.2f}")
    print(f"exposure_sep_script_sources: {script_sources}")
    print(f"exposure_direct_over_sep_script: {direct / script:.2f}")
    parts = pieces(path, hdu=-1, plane=0)
    args = {
        "path": str(path),
        "plane": 0,
        "settings": asdict(settings),
        "pieces": [asdict(p) for p in parts],
        "area": None,
    }
    for workers in (1, 2):
        start, cpu = time.perf_counter(), time.process_time()
        fanout._run_threads(_detect_one, args, len(parts), lambda d, t: None, workers)
        seconds = time.perf_counter() - start
        print(f"exposure_job_pool_{workers}_cpu_seconds: {time.process_time() - cpu:.2f}")
        print(f"exposure_job_pool_{workers}_seconds: {seconds:.2f}")
        print(f"exposure_job_pool_{workers}_over_direct: {seconds / direct:.2f}")
        print(f"exposure_job_pool_{workers}_over_sep_script: {seconds / script:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="a 62-CCD exposure of DECam-size CCDs")
    parser.add_argument("--ccds", type=int, default=62, help="with --full: how many of the 62 CCDs")
    options = parser.parse_args()
    one_ccd((4096, 2048))
    with tempfile.TemporaryDirectory() as tmp:
        if options.full:
            exposure(max(1, min(62, options.ccds)), (4096, 2048), Path(tmp))
        else:
            exposure(4, (1024, 512), Path(tmp))


if __name__ == "__main__":
    main()
