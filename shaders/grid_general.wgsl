// Pushes points through a network of any shape and writes every representation (the input, then
// each layer's pre-activation and activation) into one buffer that views draw from.
// Layout: see LayerBufferLayout in src/engine/types.ts. Twin: transformPoints() in src/engine/twin.ts.

struct GridUniforms {
  count: u32,
  capacity: u32,
  row_width: u32,  // invocations per row of the 2-D dispatch
  _pad: u32,
}

@group(0) @binding(0) var<uniform> net: Net;
@group(0) @binding(1) var<storage, read> xs: array<f32>;              // (capacity, input_size)
@group(0) @binding(2) var<storage, read> params: array<f32>;          // (P)
@group(0) @binding(3) var<storage, read_write> layers: array<f32>;    // (representations, capacity, width)
@group(0) @binding(4) var<uniform> grid: GridUniforms;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let v = id.x + id.y * grid.row_width;
  if (v >= grid.count) { return; }
  var pre: array<f32, MAX_VALUES>;
  var post: array<f32, MAX_VALUES>;
  forward_values(v * net.input_size, &pre, &post);
  let n = net.input_size;
  for (var i = 0u; i < n; i++) { layers[v * n + i] = post[i]; }
  var base = grid.capacity * n;
  for (var l = 0u; l < net.layer_count; l++) {
    let layer = net.layers[l];
    for (var j = 0u; j < layer.units; j++) {
      layers[base + v * layer.units + j] = pre[layer.out_offset + j];
      layers[base + grid.capacity * layer.units + v * layer.units + j] = post[layer.out_offset + j];
    }
    base += 2u * grid.capacity * layer.units;
  }
}
