// The viewer's OpenLayers map and its view over the image in pixel coordinates: fitting the
// image, keeping it fitted while the workspace tile resizes, and the view the layout saves.
import OlMap from "ol/Map";
import View from "ol/View";
import Zoom from "ol/control/Zoom";
import { defaults as defaultInteractions } from "ol/interaction/defaults";
import type Projection from "ol/proj/Projection";

import { roundTo, significant } from "../util";
import { GrabPan } from "./pan";

/** Deepest zoom: 16 screen pixels per image pixel. */
const MIN_RESOLUTION = 1 / 16;

/** View centre in level-0 pixel coordinates, resolution in image pixels per screen pixel. */
export interface SavedView {
  center: [number, number];
  resolution: number;
}

interface ImageSize {
  width: number;
  height: number;
}

export class ViewerMap {
  readonly map: OlMap;
  private readonly resizeObserver: ResizeObserver;
  private pendingFit = false;
  // True while the view is the fitted one: the image then stays fitted as the workspace tile resizes.
  private fitted = false;

  constructor(
    target: HTMLElement,
    /** The image shown, null with none. */
    private readonly image: () => ImageSize | null,
  ) {
    this.map = new OlMap({
      target,
      controls: [new Zoom({ className: "ol-zoom viewer-zoom" })],
      interactions: defaultInteractions({
        altShiftDragRotate: false,
        pinchRotate: false,
        dragPan: false,
      }).extend([new GrabPan()]),
      layers: [],
      view: new View({ center: [0, 0], resolution: 1 }),
    });
    // The user moved the view: stop refitting it on resize. The listener must not return
    // false: OpenLayers reads that as "stop this event", and DragPan would never see the drag.
    this.map.on("pointerdrag", () => {
      this.fitted = false;
    });
    // Arrow keys pan (OpenLayers' KeyboardPan) while the map has the focus: it must be
    // focusable, and a click or drag on it gives it the focus. Inputs keep their arrow keys.
    target.tabIndex = 0;
    target.addEventListener("pointerdown", () => target.focus({ preventScroll: true }));
    const unfit = (): void => {
      this.fitted = false;
    };
    target.addEventListener("wheel", unfit, { capture: true, passive: true });
    target.addEventListener("dblclick", unfit, { capture: true });
    target.addEventListener("keydown", unfit, { capture: true });
    target.addEventListener("click", (event) => {
      if ((event.target as HTMLElement).closest(".ol-zoom")) unfit();
    });
    this.resizeObserver = new ResizeObserver(() => {
      this.map.updateSize();
      if (this.pendingFit || this.fitted) this.fit();
    });
    this.resizeObserver.observe(target);
  }

  /** A new view over a `width` × `height` image of `levels` pyramid levels, about fitted. */
  showImage(size: ImageSize & { levels: number }, projection: Projection): void {
    const { width, height, levels } = size;
    const mapSize = this.map.getSize();
    const fitResolution =
      mapSize && mapSize[0] && mapSize[1]
        ? Math.max(width / mapSize[0], height / mapSize[1])
        : 2 ** (levels - 1);
    this.map.setView(
      new View({
        projection,
        center: [width / 2, height / 2],
        resolution: fitResolution,
        minResolution: MIN_RESOLUTION,
        maxResolution: Math.max(2 ** levels, fitResolution * 4),
        extent: [0, 0, width, height],
        constrainOnlyCenter: true,
        showFullExtent: true,
        // Only a lock by WCS rotates the view (no rotating interaction is installed).
        enableRotation: true,
      }),
    );
  }

  /** Fits the image in the view, now or once the map has a size, and keeps it fitted. */
  fit(): void {
    const image = this.image();
    if (!image) return;
    this.fitted = true;
    const size = this.map.getSize();
    if (!size || size[0] === 0 || size[1] === 0) {
      this.pendingFit = true;
      return;
    }
    this.pendingFit = false;
    this.map.getView().fit([0, 0, image.width, image.height], { size, padding: [6, 6, 6, 6] });
  }

  /** One image pixel per screen pixel. */
  zoomToActualSize(): void {
    this.fitted = false;
    this.map.getView().setResolution(1);
  }

  setView(view: SavedView): void {
    const v = this.map.getView();
    this.pendingFit = false;
    this.fitted = false;
    v.setCenter(view.center);
    v.setResolution(view.resolution);
  }

  /** Where the view is, rounded for saving. */
  saved(): SavedView | null {
    const view = this.map.getView();
    const center = view.getCenter();
    const resolution = view.getResolution();
    if (!center || !resolution || center.length < 2) return null;
    return {
      center: [roundTo(center[0] ?? 0, 2), roundTo(center[1] ?? 0, 2)],
      resolution: significant(resolution, 6),
    };
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.map.setTarget(undefined);
    this.map.dispose();
  }
}
