// evaluate.wgsl for small networks, as straight-line code for one shape (src/engine/codegen.ts):
// per-workgroup sums of loss and correct predictions, reduced further by reduce_stats.wgsl.
// Twin: evaluate() in src/engine/twin.ts.

struct EvalUniforms {
  count: u32,
  slot: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> xs: array<f32>;                     // (N, IN)
@group(0) @binding(1) var<storage, read> ys: array<f32>;                     // (N)
@group(0) @binding(2) var<storage, read> params: array<f32>;                 // (P)
@group(0) @binding(3) var<storage, read_write> partials: array<vec2<f32>>;   // (workgroups)
@group(0) @binding(4) var<uniform> eval: EvalUniforms;

var<workgroup> red: array<vec2<f32>, 64>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
  let wg = wid.x + wid.y * groups.x;
  let idx = wg * 64u + lid;
  var result = vec2<f32>(0.0, 0.0);
  if (idx < eval.count) {
    var loss_sum = 0.0;
    var correct = 0.0;
    //@ one sample: forward, loss, correct
    result = vec2<f32>(loss_sum, correct);
  }
  red[lid] = result;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) { red[lid] += red[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) { partials[wg] = red[0]; }
}
