// Entry point: the style sheets (collected into the manifest entry's `css`) and the elements.
import "ol/ol.css";
import "gridstack/dist/gridstack.min.css";
import "./styles.css";

import "./app";
import "./file-browser";
import "./viewer/image-viewer";
import "./table/table";
import "./plots/plot";

export { ToyzApp } from "./app";
export { ToyzFileBrowser } from "./file-browser";
export { ToyzImageViewer } from "./viewer/image-viewer";
export { ToyzTable } from "./table/table";
export { ToyzPlot } from "./plots/plot";
export { WorkspaceSocket, JobError } from "./socket";
