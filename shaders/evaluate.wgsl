// Loss and accuracy over a whole set, in two passes: per-workgroup sums here, then reduce_stats.wgsl.
// Twin: evaluate() in src/engine/twin.ts.

struct EvalUniforms {
  count: u32,
  slot: u32,  // where reduce_stats writes the result
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> net: Net;
@group(0) @binding(1) var<storage, read> xs: array<f32>;        // (N, input_size)
@group(0) @binding(2) var<storage, read> ys: array<f32>;        // (N)
@group(0) @binding(3) var<storage, read> params: array<f32>;    // (P)
@group(0) @binding(4) var<storage, read_write> partials: array<vec2<f32>>;  // (workgroups): loss sum, correct
@group(0) @binding(5) var<uniform> eval: EvalUniforms;

var<workgroup> red: array<vec2<f32>, 64>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
  let wg = wid.x + wid.y * groups.x;
  let s = wg * 64u + lid;
  var v = vec2<f32>(0.0, 0.0);
  if (s < eval.count) {
    var pre: array<f32, MAX_VALUES>;
    var post: array<f32, MAX_VALUES>;
    var dz: array<f32, 32>;
    forward_values(s * net.input_size, &pre, &post);
    let loss = sample_loss(ys[s], &pre, &post, &dz);
    v = vec2<f32>(loss, select(0.0, 1.0, is_correct(ys[s], &post)));
  }
  red[lid] = v;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) { red[lid] += red[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) { partials[wg] = red[0]; }
}
