// The grid transform for small networks, as straight-line code for one shape (src/engine/codegen.ts):
// each invocation pushes one point through every layer and writes the input, then each layer's
// pre-activation and activation (layout: LayerBufferLayout in src/engine/types.ts).
// Twin: transformPoints() in src/engine/twin.ts.

struct GridUniforms {
  count: u32,
  capacity: u32,
  row_width: u32,  // invocations per row of the 2-D dispatch
  stride: u32,     // invocations in all: invocation i takes vertices i, i + stride, i + 2·stride, ...
}

// Each invocation loads the parameters once and pushes several vertices through; neighbouring
// invocations take neighbouring vertices, so memory accesses stay coalesced.
const VERTICES_PER_INVOCATION: u32 = 8u;

@group(0) @binding(0) var<storage, read> xs: array<f32>;             // (capacity, IN)
@group(0) @binding(1) var<storage, read> params: array<f32>;         // (P)
@group(0) @binding(2) var<storage, read_write> layers: array<f32>;   // (representations, capacity, width)
@group(0) @binding(3) var<uniform> grid: GridUniforms;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let first = id.x + id.y * grid.row_width;
  if (first >= grid.stride) { return; }
  let cap = grid.capacity;
  //@ load parameters
  for (var k = 0u; k < VERTICES_PER_INVOCATION; k++) {
    let v = first + k * grid.stride;
    if (v >= grid.count) { break; }
    //@ transform one point
  }
}
