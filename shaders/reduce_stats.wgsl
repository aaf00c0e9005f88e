// Second pass of evaluate.wgsl: sums the per-workgroup partials of one set into results[slot].

struct ReduceUniforms {
  partial_count: u32,
  slot: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> partials: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read_write> results: array<vec2<f32>>;
@group(0) @binding(2) var<uniform> r: ReduceUniforms;

var<workgroup> red: array<vec2<f32>, 64>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32) {
  var sum = vec2<f32>(0.0, 0.0);
  for (var i = lid; i < r.partial_count; i += 64u) { sum += partials[i]; }
  red[lid] = sum;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) { red[lid] += red[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) { results[r.slot] = red[0]; }
}
