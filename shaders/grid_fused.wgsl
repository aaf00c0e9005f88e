// The grid transform for small networks, as straight-line code for one shape (src/engine/codegen.ts):
// each invocation pushes one point through every layer and writes the input, then each layer's
// pre-activation and activation (layout: LayerBufferLayout in src/engine/types.ts).
// Twin: transformPoints() in src/engine/twin.ts.

struct GridUniforms {
  count: u32,
  capacity: u32,
  row_width: u32,  // invocations per row of the 2-D dispatch
  _pad: u32,
}

@group(0) @binding(0) var<storage, read> xs: array<f32>;             // (capacity, IN)
@group(0) @binding(1) var<storage, read> params: array<f32>;         // (P)
@group(0) @binding(2) var<storage, read_write> layers: array<f32>;   // (representations, capacity, width)
@group(0) @binding(3) var<uniform> grid: GridUniforms;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let v = id.x + id.y * grid.row_width;
  if (v >= grid.count) { return; }
  let cap = grid.capacity;
  //@ transform one point
}
