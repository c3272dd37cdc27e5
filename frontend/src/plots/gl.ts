// The one WebGL context of the page, shared by every scatter plot (browsers keep at most 16 live
// contexts a page). Each plot owns a PointLayer (its buffers in that context); drawing renders the layer
// into the shared canvas and copies the pixels to the plot's own 2-D canvas.
//
// Our own small renderer rather than regl-scatterplot: regl compiles its draw commands with
// `Function.apply` (regl-project/regl#491), which the site's Content-Security-Policy (no eval) refuses.
import type { MarkerShape } from "./state";

const VERTEX = `
precision highp float;
attribute vec2 a_pos;
attribute vec4 a_color;
attribute float a_sel;
uniform vec4 u_view;      // x0, x1, y0, y1 relative to the layer's origin
uniform vec2 u_flip;      // -1 on a reversed axis
uniform float u_size;
uniform float u_pass;     // 0: rows not selected (all rows when none is), 1: selected rows
uniform float u_hasSel;
uniform float u_useSelColor;
uniform vec4 u_selColor;
varying vec4 v_color;
void main() {
  bool selected = a_sel > 0.5;
  bool drawn = u_pass < 0.5 ? !(u_hasSel > 0.5 && selected) : selected;
  if (!drawn) {
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    gl_PointSize = 0.0;
    return;
  }
  vec2 f = vec2((a_pos.x - u_view.x) / (u_view.y - u_view.x), (a_pos.y - u_view.z) / (u_view.w - u_view.z));
  gl_Position = vec4((f * 2.0 - 1.0) * u_flip, 0.0, 1.0);
  gl_PointSize = u_size;
  vec4 c = a_color;
  if (u_pass > 0.5 && u_useSelColor > 0.5) c = u_selColor;
  // Rows outside a selection fade to a dim grey so that the selected ones stand out.
  if (u_pass < 0.5 && u_hasSel > 0.5) c = vec4(mix(c.rgb, vec3(0.5), 0.6), c.a * 0.25);
  v_color = c;
}`;

const FRAGMENT = `
precision mediump float;
uniform float u_shape;    // 0 circle, 1 square, 2 diamond, 3 triangle (apex up)
varying vec4 v_color;
void main() {
  // gl_PointCoord runs from the top left (0, 0) to the bottom right (1, 1).
  vec2 p = gl_PointCoord - vec2(0.5);
  if (u_shape < 0.5) {
    if (dot(p, p) > 0.25) discard;
  } else if (u_shape > 1.5 && u_shape < 2.5) {
    if (abs(p.x) + abs(p.y) > 0.5) discard;
  } else if (u_shape > 2.5) {
    if (abs(p.x) > (p.y + 0.5) * 0.5) discard;
  }
  gl_FragColor = vec4(v_color.rgb * v_color.a, v_color.a);
}`;

const SHAPES: Record<MarkerShape, number> = { circle: 0, square: 1, diamond: 2, triangle: 3 };

export interface DrawParams {
  /** Axis-space view (x0 < x1, y0 < y1). */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  xreverse: boolean;
  yreverse: boolean;
  /** Marker diameter in CSS pixels. */
  size: number;
  shape: MarkerShape;
  /** Whether some rows are selected (the others then dim). */
  hasSelection: boolean;
  /** Selected rows in this colour (RGBA 0–1) rather than their own, or null. */
  selectedColor: [number, number, number, number] | null;
}

/** One plot's points in the shared context. */
export class PointLayer {
  count = 0;
  /** Axis-space origin subtracted from the positions (float32 keeps 7 digits: MJDs need it). */
  origin: [number, number] = [0, 0];
  private disposed = false;

  constructor(
    private readonly renderer: PointRenderer,
    readonly position: WebGLBuffer,
    readonly color: WebGLBuffer,
    readonly selected: WebGLBuffer,
  ) {}

  /** Positions (x, y pairs relative to `origin`) and RGBA colours (4 bytes a point). */
  setPoints(positions: Float32Array, colors: Uint8Array, origin: [number, number]): void {
    this.count = positions.length / 2;
    this.origin = origin;
    this.renderer.upload(this.position, positions);
    this.renderer.upload(this.color, colors);
    this.renderer.upload(this.selected, new Uint8Array(this.count));
  }

  setColors(colors: Uint8Array): void {
    this.renderer.upload(this.color, colors);
  }

  /** One byte a point: 1 when its row is selected. */
  setSelected(flags: Uint8Array): void {
    this.renderer.upload(this.selected, flags);
  }

  draw(target: HTMLCanvasElement, params: DrawParams): void {
    if (!this.disposed) this.renderer.draw(this, target, params);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.renderer.release(this);
  }
}

/** The page's WebGL renderer of points. */
export class PointRenderer {
  readonly canvas: HTMLCanvasElement;
  private readonly gl: WebGLRenderingContext;
  private readonly program: WebGLProgram;
  private readonly attrib: { pos: number; color: number; sel: number };
  private readonly uniform: Record<string, WebGLUniformLocation | null>;

  constructor() {
    this.canvas = document.createElement("canvas");
    const options: WebGLContextAttributes = {
      alpha: true,
      antialias: false,
      premultipliedAlpha: true,
      preserveDrawingBuffer: true,
    };
    const gl = (this.canvas.getContext("webgl", options) ??
      this.canvas.getContext("experimental-webgl", options)) as WebGLRenderingContext | null;
    if (!gl) throw new Error("This browser cannot draw WebGL, which the scatter plots need.");
    this.gl = gl;
    this.program = this.link(VERTEX, FRAGMENT);
    this.attrib = {
      pos: gl.getAttribLocation(this.program, "a_pos"),
      color: gl.getAttribLocation(this.program, "a_color"),
      sel: gl.getAttribLocation(this.program, "a_sel"),
    };
    this.uniform = {};
    for (const name of [
      "u_view",
      "u_flip",
      "u_size",
      "u_pass",
      "u_hasSel",
      "u_useSelColor",
      "u_selColor",
      "u_shape",
    ])
      this.uniform[name] = gl.getUniformLocation(this.program, name);
  }

  createLayer(): PointLayer {
    const gl = this.gl;
    const make = (): WebGLBuffer => {
      const buffer = gl.createBuffer();
      if (!buffer) throw new Error("WebGL ran out of buffers.");
      return buffer;
    };
    return new PointLayer(this, make(), make(), make());
  }

  upload(buffer: WebGLBuffer, data: AllowSharedBufferSource): void {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
  }

  release(layer: PointLayer): void {
    this.gl.deleteBuffer(layer.position);
    this.gl.deleteBuffer(layer.color);
    this.gl.deleteBuffer(layer.selected);
  }

  draw(layer: PointLayer, target: HTMLCanvasElement, p: DrawParams): void {
    const gl = this.gl;
    const w = target.width;
    const h = target.height;
    if (w === 0 || h === 0) return;
    // The shared canvas only grows: resizing it clears it and costs a reallocation.
    if (this.canvas.width < w || this.canvas.height < h) {
      this.canvas.width = Math.max(this.canvas.width, w);
      this.canvas.height = Math.max(this.canvas.height, h);
    }
    // GL's origin is the bottom left, drawImage's the top left: draw into the top-left w × h.
    const bottom = this.canvas.height - h;
    gl.viewport(0, bottom, w, h);
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(0, bottom, w, h);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (layer.count > 0) {
      gl.useProgram(this.program);
      gl.enable(gl.BLEND);
      gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
      this.bind(layer.position, this.attrib.pos, 2, gl.FLOAT, false);
      this.bind(layer.color, this.attrib.color, 4, gl.UNSIGNED_BYTE, true);
      this.bind(layer.selected, this.attrib.sel, 1, gl.UNSIGNED_BYTE, false);
      const u = this.uniform;
      const [ox, oy] = layer.origin;
      gl.uniform4f(u.u_view ?? null, p.x0 - ox, p.x1 - ox, p.y0 - oy, p.y1 - oy);
      gl.uniform2f(u.u_flip ?? null, p.xreverse ? -1 : 1, p.yreverse ? -1 : 1);
      gl.uniform1f(u.u_size ?? null, Math.max(1, p.size * (window.devicePixelRatio || 1)));
      gl.uniform1f(u.u_shape ?? null, SHAPES[p.shape]);
      gl.uniform1f(u.u_hasSel ?? null, p.hasSelection ? 1 : 0);
      gl.uniform1f(u.u_useSelColor ?? null, p.selectedColor ? 1 : 0);
      const sc = p.selectedColor ?? [0, 0, 0, 0];
      gl.uniform4f(u.u_selColor ?? null, sc[0], sc[1], sc[2], sc[3]);
      gl.uniform1f(u.u_pass ?? null, 0);
      gl.drawArrays(gl.POINTS, 0, layer.count);
      if (p.hasSelection) {
        gl.uniform1f(u.u_pass ?? null, 1);
        gl.drawArrays(gl.POINTS, 0, layer.count);
      }
    }
    const ctx = target.getContext("2d");
    if (!ctx) return;
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(this.canvas, 0, 0, w, h, 0, 0, w, h);
  }

  private bind(
    buffer: WebGLBuffer,
    location: number,
    size: number,
    type: number,
    normalized: boolean,
  ): void {
    if (location < 0) return;
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.enableVertexAttribArray(location);
    gl.vertexAttribPointer(location, size, type, normalized, 0, 0);
  }

  private link(vertex: string, fragment: string): WebGLProgram {
    const gl = this.gl;
    const compile = (type: number, source: string): WebGLShader => {
      const shader = gl.createShader(type);
      if (!shader) throw new Error("WebGL could not make a shader.");
      gl.shaderSource(shader, source);
      gl.compileShader(shader);
      if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS))
        throw new Error(`WebGL shader: ${gl.getShaderInfoLog(shader) ?? "?"}`);
      return shader;
    };
    const program = gl.createProgram();
    if (!program) throw new Error("WebGL could not make a program.");
    gl.attachShader(program, compile(gl.VERTEX_SHADER, vertex));
    gl.attachShader(program, compile(gl.FRAGMENT_SHADER, fragment));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS))
      throw new Error(`WebGL program: ${gl.getProgramInfoLog(program) ?? "?"}`);
    return program;
  }
}

let shared: PointRenderer | null = null;
let created = 0;

/** The page's one renderer (made on first use). */
export function sharedRenderer(): PointRenderer {
  if (!shared) {
    shared = new PointRenderer();
    created += 1;
  }
  return shared;
}

/** How many WebGL contexts the plots made on this page (1 at most; tests check it). */
export function contextsCreated(): number {
  return created;
}
