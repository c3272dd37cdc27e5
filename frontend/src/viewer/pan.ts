// Dragging the image with the primary button: the point grabbed stays under the pointer.
// OpenLayers' DragPan starts from its first drag event, a few pixels after the press (its move
// tolerance), so the picture lagged the pointer; and its kinetic glide moved the image on after
// the button was released, where astronomers aim at pixels.
import type MapBrowserEvent from "ol/MapBrowserEvent";
import { noModifierKeys, primaryAction } from "ol/events/condition";
import PointerInteraction from "ol/interaction/Pointer";

export class GrabPan extends PointerInteraction {
  // The pointer's last position in map pixels, null when no drag is going on.
  private last: [number, number] | null = null;
  private panning = false;

  protected override handleDownEvent(event: MapBrowserEvent): boolean {
    if (this.targetPointers.length !== 1 || !noModifierKeys(event) || !primaryAction(event)) {
      return false;
    }
    const view = event.map.getView();
    if (view.getAnimating()) view.cancelAnimations();
    this.last = [event.pixel[0] ?? 0, event.pixel[1] ?? 0];
    return true;
  }

  protected override handleDragEvent(event: MapBrowserEvent): void {
    const last = this.last;
    if (!last || this.targetPointers.length !== 1) return;
    const view = event.map.getView();
    if (!this.panning) {
      this.panning = true;
      view.beginInteraction();
    }
    const x = event.pixel[0] ?? last[0];
    const y = event.pixel[1] ?? last[1];
    // Through the map's own transform: right when a locked view is rotated (or mirrored).
    const from = event.map.getCoordinateFromPixelInternal(last);
    const to = event.map.getCoordinateFromPixelInternal([x, y]);
    if (from && to) {
      view.adjustCenterInternal([(from[0] ?? 0) - (to[0] ?? 0), (from[1] ?? 0) - (to[1] ?? 0)]);
    }
    this.last = [x, y];
    event.originalEvent.preventDefault();
  }

  protected override handleUpEvent(event: MapBrowserEvent): boolean {
    if (this.targetPointers.length > 0) return true;
    this.last = null;
    if (this.panning) {
      this.panning = false;
      event.map.getView().endInteraction();
    }
    return false;
  }
}
