/**
 * What one view draws of one representation: the bent grid (lines, and a surface shaded by the predicted
 * class), the data points (test points as rings), and a straight decision boundary where there is one.
 *
 * Two ways to get vertex positions, one look:
 *  - 'gpu': the vertex stage evaluates the display formula from the engine's layer buffers (zero copy);
 *  - 'cpu': positions and colours arrive in ordinary buffer attributes (the WebGL2 fallback).
 */
import * as THREE from 'three/webgpu';
import {
  Fn,
  abs,
  attribute,
  clamp,
  float,
  fwidth,
  instanceIndex,
  instancedBufferAttribute,
  int,
  length,
  max,
  min,
  mix,
  pow,
  smoothstep,
  uniform,
  uint,
  uv,
  varying,
  vec3,
  vec4,
  vertexIndex,
} from 'three/tsl';
import { CLASS_COLORS, SHADE, THEME, rgb } from '../theme';
import { DisplayUniforms, clipPosition, displayPosition, type N } from './displayNodes';
import type { GridGeometry } from '../math/grid';
import { mistakeNode } from './mistakeNode';
import { classColorNode } from './classColorNode';
import { FoldUniforms, foldColorNode } from './foldNode';

export interface GpuSources {
  /** array<f32> storage nodes over the engine's layer buffers. */
  grid: N;
  points: N;
  gridOutputOffset: N;
  pointOutputOffset: N;
  /** A k-NN output's regions, (class, share) per grid vertex (engine/knnGrid.ts); null otherwise. */
  regions: N;
}

export interface LayerSceneOptions {
  grid: GridGeometry;
  pointCount: number;
  /** Per point: class index, 1 for a test point, jitter in [−½, ½], 0. */
  pointInfo: Float32Array;
  /** Output units (1 = one probability; more = softmax). */
  outputUnits: number;
  /** 0 for regression. */
  classes: number;
  gpu: GpuSources | null;
  /** Draw the surface (2-D input grids). */
  surface: boolean;
  /** Widths of the display formula's three sources this view reads (0: not read); see displayNodes.ts. */
  widths: number[];
  /** CPU path: 1 per misclassified point (mistakeTracker.ts); WebGPU reads the outputs in the shader instead. */
  mistakes?: THREE.InstancedBufferAttribute | null;
}

const white = new THREE.Color(THEME.gridLine);
const PLANE_NORMAL = new THREE.Vector3(0, 0, 1);

export class LayerScene {
  readonly scene = new THREE.Scene();
  readonly gridUniforms: DisplayUniforms;
  readonly pointUniforms: DisplayUniforms;
  /** Regression shading range and whether the boundary contour is drawn. */
  readonly valueLow: N = uniform(0);
  readonly valueHigh: N = uniform(1);
  readonly boundaryOn: N = uniform(1);
  readonly pointSize: N = uniform(7);
  readonly selected: N = uniform(-1, 'int');
  /** 1: misclassified points carry a cross. */
  readonly mistakesOn: N = uniform(1);
  /** The followed point's jitter, and (CPU path) its position. */
  readonly selectedJitter: N = uniform(0);
  readonly selectedPosition: N = uniform(new THREE.Vector3());
  /** A ring drawn on top of everything around the followed point. */
  readonly marker: THREE.Sprite;
  readonly surfaceOpacity: N = uniform(1);
  readonly lineOpacity: N = uniform(THEME.gridLineOpacity);
  readonly surface: THREE.Mesh | null = null;
  readonly lines: THREE.LineSegments;
  readonly points: THREE.Sprite;
  readonly boundaryLine: THREE.Line;
  readonly boundaryPlane: THREE.Mesh;
  /** CPU mode: the attributes to fill each frame. */
  readonly cpu: {
    gridPosition: THREE.BufferAttribute;
    gridColor: THREE.BufferAttribute;
    gridMargin: THREE.BufferAttribute;
    /** The fold map's colours (foldMap.ts), filled only while it is shown. */
    foldColor: THREE.BufferAttribute;
    pointPosition: THREE.InstancedBufferAttribute;
  } | null = null;
  /** The fold-and-stretch map (foldNode.ts): the input spacing and whether the picture is a 3-D sheet. */
  readonly folds = new FoldUniforms();
  /** Whether the surface shows the fold map instead of the prediction (see setFolds). */
  foldsShown = false;
  private surfaceMaterial: THREE.Material | null = null;
  private foldMaterial: THREE.Material | null = null;
  private makeFoldMaterial: (() => THREE.Material) | null = null;
  private readonly boundaryPositions: THREE.BufferAttribute;
  private readonly normal = new THREE.Vector3();
  private readonly center = new THREE.Vector3();
  private readonly extent = new THREE.Vector3();
  private readonly materials: THREE.Material[] = [];
  private readonly geometries: THREE.BufferGeometry[] = [];

  constructor(o: LayerSceneOptions) {
    this.gridUniforms = new DisplayUniforms(o.widths);
    this.pointUniforms = new DisplayUniforms(o.widths);
    const gpu = o.gpu;
    const gridCount = o.grid.count;
    let gridPos: N;
    let gridColor: N;
    let gridMargin: N;
    let pointPos: N;
    const info: N = instancedBufferAttribute(new THREE.InstancedBufferAttribute(o.pointInfo, 4));
    const gridGeometry = new THREE.BufferGeometry();
    const gridLinesGeometry = new THREE.BufferGeometry();
    this.geometries.push(gridGeometry, gridLinesGeometry);

    if (gpu) {
      gridPos = displayPosition(this.gridUniforms, gpu.grid, vertexIndex, float(0));
      const shaded = gpu.regions
        ? this.shadeFromRegions(gpu.regions, vertexIndex, o.classes)
        : this.shadeFromOutput(gpu.grid, gpu.gridOutputOffset, vertexIndex, o.outputUnits, o.classes);
      gridColor = shaded.color;
      gridMargin = shaded.margin;
      pointPos = displayPosition(this.pointUniforms, gpu.points, instanceIndex, info.z);
    } else {
      const position = new THREE.BufferAttribute(new Float32Array(gridCount * 3), 3).setUsage(
        THREE.DynamicDrawUsage,
      );
      const color = new THREE.BufferAttribute(new Float32Array(gridCount * 3), 3).setUsage(
        THREE.DynamicDrawUsage,
      );
      const margin = new THREE.BufferAttribute(new Float32Array(gridCount), 1).setUsage(
        THREE.DynamicDrawUsage,
      );
      for (const g of [gridGeometry, gridLinesGeometry]) {
        g.setAttribute('position', position);
        g.setAttribute('color', color);
        g.setAttribute('margin', margin);
      }
      const foldColor = new THREE.BufferAttribute(new Float32Array(gridCount * 3), 3).setUsage(
        THREE.DynamicDrawUsage,
      );
      gridGeometry.setAttribute('foldColor', foldColor);
      const pointPosition = new THREE.InstancedBufferAttribute(new Float32Array(o.pointCount * 3), 3);
      pointPosition.setUsage(THREE.DynamicDrawUsage);
      this.cpu = { gridPosition: position, gridColor: color, gridMargin: margin, foldColor, pointPosition };
      gridPos = attribute('position', 'vec3');
      gridColor = attribute('color', 'vec3');
      gridMargin = attribute('margin', 'float');
      pointPos = instancedBufferAttribute(pointPosition);
    }

    // The shaded surface, with the decision boundary as the contour where the margin crosses zero.
    if (o.surface && o.grid.triangles.length > 0) {
      gridGeometry.setIndex(new THREE.BufferAttribute(o.grid.triangles, 1));
      const material = new THREE.MeshBasicNodeMaterial({ side: THREE.DoubleSide });
      material.vertexNode = clipPosition(gridPos);
      const vColor: N = varying(gridColor);
      const vMargin: N = varying(gridMargin);
      const surfaceColor = (base: N): N =>
        Fn(() => {
          const slope: N = fwidth(vMargin);
          const width: N = max(slope.mul(1.2), float(1e-6));
          // Where the margin is flat at 0 (a tie over a whole region, as where ReLU zeroes every unit)
          // there is no boundary to draw.
          const line: N = float(1)
            .sub(smoothstep(float(0), width, abs(vMargin)))
            .mul(this.boundaryOn)
            .mul(slope.greaterThan(1e-7).select(float(1), float(0)));
          return vec4(mix(base, vec3(1, 1, 1), line.mul(0.85)), 1);
        })();
      material.colorNode = surfaceColor(vColor);
      material.opacityNode = this.surfaceOpacity;
      material.transparent = true;
      material.depthWrite = false;
      this.surfaceMaterial = material;
      const g = o.grid.size;
      const pts = o.grid.points;
      (this.folds.spacing.value as THREE.Vector2).set(pts[2] - pts[0], pts[2 * g + 1] - pts[1]);
      // Built on first use: the fold map reads five positions per vertex, so it costs nothing until shown.
      this.makeFoldMaterial = () => {
        const fold = new THREE.MeshBasicNodeMaterial({ side: THREE.DoubleSide });
        fold.vertexNode = clipPosition(gridPos);
        const foldColor: N = gpu
          ? foldColorNode(this.gridUniforms, this.folds, gpu.grid, vertexIndex, g)
          : attribute('foldColor', 'vec3');
        fold.colorNode = surfaceColor(varying(foldColor));
        fold.opacityNode = this.surfaceOpacity;
        fold.transparent = true;
        fold.depthWrite = false;
        this.materials.push(fold);
        return fold;
      };
      this.surface = new THREE.Mesh(gridGeometry, material);
      this.surface.frustumCulled = false;
      this.surface.renderOrder = 0;
      this.scene.add(this.surface);
      this.materials.push(material);
    }

    // Grid lines, faintly tinted by the prediction.
    gridLinesGeometry.setIndex(new THREE.BufferAttribute(o.grid.lines, 1));
    const lineMaterial = new THREE.LineBasicNodeMaterial();
    lineMaterial.vertexNode = clipPosition(gridPos);
    lineMaterial.colorNode = mix(vec3(white.r, white.g, white.b), varying(gridColor) as N, 0.35);
    lineMaterial.opacityNode = this.lineOpacity;
    lineMaterial.transparent = true;
    lineMaterial.depthWrite = false;
    this.lines = new THREE.LineSegments(gridLinesGeometry, lineMaterial);
    this.lines.frustumCulled = false;
    this.lines.renderOrder = 1;
    this.scene.add(this.lines);
    this.materials.push(lineMaterial);

    // Straight decision boundary (a line in 2-D, a plane in 3-D), positions set on the CPU: two points.
    const boundaryGeometry = new THREE.BufferGeometry();
    this.boundaryPositions = new THREE.BufferAttribute(new Float32Array(6), 3).setUsage(
      THREE.DynamicDrawUsage,
    );
    boundaryGeometry.setAttribute('position', this.boundaryPositions);
    const boundaryMaterial = new THREE.LineBasicNodeMaterial({
      color: THEME.boundary,
      transparent: true,
      opacity: 0.9,
    });
    boundaryMaterial.depthTest = false;
    this.boundaryLine = new THREE.Line(boundaryGeometry, boundaryMaterial);
    this.boundaryLine.frustumCulled = false;
    this.boundaryLine.renderOrder = 2;
    this.boundaryLine.visible = false;
    this.scene.add(this.boundaryLine);
    const planeMaterial = new THREE.MeshBasicNodeMaterial({
      color: 0x6b7a8c,
      transparent: true,
      side: THREE.DoubleSide,
      depthWrite: false,
    });
    // Faint: the surface must show through it from both sides.
    planeMaterial.opacityNode = float(0.22);
    this.boundaryPlane = new THREE.Mesh(new THREE.PlaneGeometry(1, 1), planeMaterial);
    this.boundaryPlane.visible = false;
    this.boundaryPlane.renderOrder = 2;
    this.scene.add(this.boundaryPlane);
    this.geometries.push(boundaryGeometry, this.boundaryPlane.geometry);
    this.materials.push(boundaryMaterial, planeMaterial);

    // Data points: instanced sprites; class colour; test points hollow; the followed point ringed in white.
    const pointMaterial = new THREE.PointsNodeMaterial({
      transparent: true,
      depthWrite: false,
      sizeAttenuation: false,
    });
    pointMaterial.alphaToCoverage = false;
    pointMaterial.positionNode = pointPos;
    const isSelected = instanceIndex.toInt().equal(this.selected);
    // Misclassified points: the same rule as the count (mistakeTracker.ts), from the outputs the engine wrote.
    const wrong: N =
      o.classes === 0
        ? float(0)
        : o.mistakes
          ? instancedBufferAttribute(o.mistakes)
          : gpu
            ? mistakeNode(gpu.points, gpu.pointOutputOffset, instanceIndex, o.outputUnits, info.x)
            : float(0);
    const marked: N = varying(wrong.mul(this.mistakesOn));
    pointMaterial.sizeNode = this.pointSize
      .mul(isSelected.select(float(1.6), float(1)))
      .mul(wrong.mul(this.mistakesOn).mul(0.6).add(1));
    // The class reaches the fragment stage interpolated, which may leave 1 as 0.99999994 for some cameras:
    // classColorNode rounds (truncated, every class-1 point of a view was drawn in class 0's blue, while
    // its mistake mark, which rounds, stayed right).
    const classColor = classColorNode(info.x, o.classes);
    const regression = o.classes === 0;
    pointMaterial.colorNode = Fn(() => {
      const d = length(uv().sub(0.5)).mul(2);
      const edge = float(1).sub(smoothstep(float(0.86), float(1), d));
      const test = info.y;
      // Test points: a ring. Train points: a disc with a dark rim.
      const ringInner = smoothstep(float(0.4), float(0.55), d);
      const rim = smoothstep(float(0.68), float(0.8), d);
      const base = regression ? vec3(...rgb(THEME.gridLine)) : classColor;
      const dark = vec3(...rgb(THEME.pointOutline));
      const filled = mix(base, dark, rim.mul(0.85));
      const color = isSelected.select(
        mix(vec3(1, 1, 1), base, smoothstep(float(0.45), float(0.6), d)),
        filled,
      );
      const alpha = edge.mul(mix(float(1), ringInner, clamp(test, 0, 1)));
      // A mistake: the point drawn small inside a white cross with a dark rim, over the whole sprite.
      const q = uv().sub(0.5).mul(2);
      const stroke = min(abs(q.x.sub(q.y)), abs(q.x.add(q.y))).mul(0.7071);
      const cross = float(1)
        .sub(smoothstep(float(0.13), float(0.17), stroke))
        .mul(edge);
      const crossRim = float(1)
        .sub(smoothstep(float(0.22), float(0.27), stroke))
        .mul(edge);
      const inner = d.mul(1.6);
      const innerEdge = float(1).sub(smoothstep(float(0.86), float(1), inner));
      const innerRing = smoothstep(float(0.4), float(0.55), inner);
      const innerAlpha = innerEdge.mul(mix(float(1), innerRing, clamp(test, 0, 1)));
      const markColor = mix(mix(dark, vec3(1, 1, 1), cross), base, innerAlpha.mul(float(1).sub(cross)));
      const markAlpha = max(crossRim, innerAlpha);
      return marked.greaterThan(0.5).select(vec4(markColor, markAlpha), vec4(color, alpha));
    })();
    this.points = new THREE.Sprite(pointMaterial);
    const markerMaterial = new THREE.PointsNodeMaterial({
      transparent: true,
      depthTest: false,
      depthWrite: false,
      sizeAttenuation: false,
    });
    markerMaterial.alphaToCoverage = false;
    markerMaterial.positionNode = gpu
      ? displayPosition(
          this.pointUniforms,
          gpu.points,
          uint(this.selected.max(int(0)) as N),
          this.selectedJitter,
        )
      : this.selectedPosition;
    markerMaterial.sizeNode = this.pointSize.mul(3.4);
    markerMaterial.colorNode = Fn(() => {
      const d = length(uv().sub(0.5)).mul(2);
      const ring = smoothstep(float(0.55), float(0.65), d).mul(
        float(1).sub(smoothstep(float(0.88), float(1), d)),
      );
      const dark = smoothstep(float(0.72), float(0.8), d);
      return vec4(mix(vec3(1, 1, 1), vec3(...rgb(THEME.pointOutline)), dark.mul(0.6)), ring);
    })();
    this.marker = new THREE.Sprite(markerMaterial);
    this.marker.frustumCulled = false;
    this.marker.renderOrder = 5;
    this.marker.visible = false;
    this.scene.add(this.marker);
    this.materials.push(markerMaterial);
    this.points.count = o.pointCount;
    this.points.frustumCulled = false;
    this.points.renderOrder = 3;
    this.scene.add(this.points);
    this.materials.push(pointMaterial);
  }

  /** Shows the fold-and-stretch map on the surface instead of the prediction's colours, or back. */
  setFolds(on: boolean): void {
    this.foldsShown = on && this.surface !== null;
    if (!this.surface || !this.surfaceMaterial) return;
    if (on && !this.foldMaterial && this.makeFoldMaterial) this.foldMaterial = this.makeFoldMaterial();
    this.surface.material = on && this.foldMaterial ? this.foldMaterial : this.surfaceMaterial;
  }

  /** Colour and boundary margin of a grid vertex from the output representation (see theme.shade). */
  private shadeFromOutput(
    buffer: N,
    outOffset: N,
    index: N,
    units: number,
    classes: number,
  ): { color: N; margin: N } {
    const base = vec3(...rgb(THEME.neutral));
    const read = (unit: number): N =>
      buffer.element(outOffset.add(uint(index).mul(uint(units))).add(uint(unit)));
    const color = (k: number): N => vec3(...rgb(CLASS_COLORS[k % CLASS_COLORS.length]));
    const amountOf = (confidence: N): N => pow(confidence, float(SHADE.gamma)).mul(SHADE.strength);
    if (units === 1 || classes === 0) {
      const raw = read(0);
      const p: N =
        classes === 0
          ? clamp(raw.sub(this.valueLow).div(max(this.valueHigh.sub(this.valueLow), float(1e-6))), 0, 1)
          : clamp(raw, 0, 1);
      const side: N = p.greaterThanEqual(0.5).select(color(1), color(0));
      const confidence: N = abs(p.mul(2).sub(1));
      return { color: mix(base, side, amountOf(confidence)), margin: p.sub(0.5) };
    }
    let best: N = read(0);
    let second: N = float(-1);
    let side: N = color(0);
    for (let k = 1; k < units; k++) {
      const p = read(k);
      const better: N = p.greaterThan(best);
      second = better.select(best, max(second, p));
      side = better.select(color(k), side);
      best = max(best, p);
    }
    const margin: N = best.sub(second);
    return { color: mix(base, side, amountOf(clamp(margin.mul(2), 0, 1))), margin };
  }

  /**
   * Colour and margin of a grid vertex from its k-NN region (class, share of the votes), as shadeFromOutput
   * colours several outputs where the class holds its share and the others split the rest (layerDrawer's
   * shadeRegion on the CPU): margin = share − (1 − share)/(C − 1), exactly best − second with two classes.
   */
  private shadeFromRegions(regions: N, index: N, classes: number): { color: N; margin: N } {
    const base = vec3(...rgb(THEME.neutral));
    const cls: N = regions.element(uint(index).mul(uint(2)));
    const share: N = regions.element(uint(index).mul(uint(2)).add(uint(1)));
    const c = Math.max(2, classes);
    const side = classColorNode(cls, classes);
    const margin: N = share.sub(
      float(1)
        .sub(share)
        .div(c - 1),
    );
    const amount: N = pow(clamp(margin.mul(2), 0, 1), float(SHADE.gamma)).mul(SHADE.strength);
    return { color: mix(base, side, amount), margin };
  }

  /** Shows the straight boundary normal · x = level within a box (2-D: a line; 3-D: a plane). */
  setBoundary(normal: readonly number[] | null, level: number, dims: number, box: THREE.Box3): void {
    this.boundaryLine.visible = false;
    this.boundaryPlane.visible = false;
    if (!normal) return;
    const [a, b, c] = normal;
    if (dims <= 2) {
      const len = Math.hypot(a, b);
      if (len < 1e-9) return;
      // The part of the line a x + b y = level inside the picture's box (a little beyond it): never off
      // past the picture, whatever the camera shows around it.
      const padX = 0.04 * Math.max(1e-6, box.max.x - box.min.x);
      const padY = 0.04 * Math.max(1e-6, box.max.y - box.min.y);
      const x0 = box.min.x - padX;
      const x1 = box.max.x + padX;
      const y0 = box.min.y - padY;
      const y1 = box.max.y + padY;
      const tx = -b / len;
      const ty = a / len;
      const d = level / (len * len);
      const px = a * d;
      const py = b * d;
      // Liang–Barsky: the parameter range of p + u (tx, ty) inside [x0, x1] × [y0, y1].
      let lo = -Infinity;
      let hi = Infinity;
      for (const [dir, from, min, max] of [
        [tx, px, x0, x1],
        [ty, py, y0, y1],
      ]) {
        if (Math.abs(dir) < 1e-12) {
          if (from < min || from > max) return;
          continue;
        }
        const u0 = (min - from) / dir;
        const u1 = (max - from) / dir;
        lo = Math.max(lo, Math.min(u0, u1));
        hi = Math.min(hi, Math.max(u0, u1));
      }
      if (!(hi > lo)) return;
      const arr = this.boundaryPositions.array as Float32Array;
      arr[0] = px + tx * lo;
      arr[1] = py + ty * lo;
      arr[2] = 0;
      arr[3] = px + tx * hi;
      arr[4] = py + ty * hi;
      arr[5] = 0;
      this.boundaryPositions.needsUpdate = true;
      this.boundaryLine.visible = true;
    } else if (dims === 3) {
      const len = Math.hypot(a, b, c);
      if (len < 1e-9) return;
      const n = this.normal.set(a / len, b / len, c / len);
      const center = box.getCenter(this.center);
      const dist = level / len - n.dot(center);
      const size = box.getSize(this.extent).length() * 0.75;
      this.boundaryPlane.position.copy(center).addScaledVector(n, dist);
      this.boundaryPlane.quaternion.setFromUnitVectors(PLANE_NORMAL, n);
      this.boundaryPlane.scale.set(size, size, 1);
      this.boundaryPlane.visible = true;
    }
  }

  dispose(): void {
    for (const m of this.materials) m.dispose();
    for (const g of this.geometries) g.dispose();
  }
}
