// The general training path: any shape within the limits, four dispatches per step
// (forward_backward, gradient, update, advance), all reading the position from `state` so that
// any number of steps can be queued at once. Twin: TwinTrainer.train() in src/engine/twin.ts.
//
// scratch, per batch slot (stride = value_count + unit_count + 1, + unit_count with the contractive penalty):
//   [0, value_count)                  every representation a_l of the sample (input first)
//   [value_count, +unit_count)        dL/dz of every layer's units
//   [value_count + unit_count]        the sample's loss
//   [value_count + unit_count + 1, +unit_count)   f'(z)² of every hidden unit (contractive penalty only)
//
// CONTRACTIVE is set by the engine when the contractive penalty is on (src/engine/engine.ts); off, the
// compiler drops every line that reads it.
const CONTRACTIVE: bool = false;
// KNN is set by the engine for a k-NN output (shaders/knn_step.wgsl): two more floats per slot.
const KNN: bool = false;

@group(0) @binding(0) var<uniform> net: Net;
@group(0) @binding(1) var<uniform> u: TrainUniforms;
@group(0) @binding(2) var<storage, read> xs: array<f32>;               // (N, input_size)
@group(0) @binding(3) var<storage, read> ys: array<f32>;               // (N)
@group(0) @binding(4) var<storage, read_write> params: array<f32>;     // (P)
@group(0) @binding(5) var<storage, read_write> moments: array<f32>;    // (2, P) moments, (3, P) backup
@group(0) @binding(6) var<storage, read_write> state: State;
@group(0) @binding(7) var<storage, read_write> scratch: array<f32>;    // (batch, stride)
@group(0) @binding(8) var<storage, read_write> partials: array<f32>;   // (chunks, P + 1)
@group(0) @binding(9) var<storage, read> bias_table: array<vec2<f32>>;

struct BatchRange { lo: u32, count: u32 }

fn current_batch() -> BatchRange {
  let epoch = state.step / u.steps_per_epoch;
  let j = state.step - epoch * u.steps_per_epoch;
  let lo = j * u.batch;
  return BatchRange(lo, min(u.n_train, lo + u.batch) - lo);
}

fn stride() -> u32 {
  return net.value_count + net.unit_count * select(1u, 2u, CONTRACTIVE) + 1u + select(0u, 2u, KNN);
}

// Where the f'(z)² of unit `unit` (counted over all layers' units) lives in a slot.
fn curvature_slot(unit: u32) -> u32 { return net.value_count + net.unit_count + 1u + unit; }

@compute @workgroup_size(64)
fn forward_backward(@builtin(global_invocation_id) id: vec3<u32>) {
  let slot = id.x;
  let batch = current_batch();
  if (slot >= batch.count || state.diverged_step != NONE) { return; }
  let epoch = state.step / u.steps_per_epoch;
  let idx = permute(batch.lo + slot, u.n_train, epoch_key(u.seed, epoch), u.index_bits);
  var pre: array<f32, MAX_VALUES>;
  var post: array<f32, MAX_VALUES>;
  var dz: array<f32, 32>;
  forward_values(idx * net.input_size, &pre, &post);
  let loss = sample_loss(ys[idx], &pre, &post, &dz);
  let base = slot * stride();
  for (var k = 0u; k < net.value_count; k++) { scratch[base + k] = post[k]; }
  scratch[base + net.value_count + net.unit_count] = loss;
  backprop(base, &pre, &post, &dz);
}

// Writes dL/dz of every layer's units into the slot at `base`, from the output layer's (in `dz`) down.
fn backprop(base: u32, pre: ptr<function, array<f32, MAX_VALUES>>, post: ptr<function, array<f32, MAX_VALUES>>,
            dz: ptr<function, array<f32, 32>>) {
  let deltas = base + net.value_count;
  for (var l = i32(net.layer_count) - 1; l >= 0; l--) {
    let layer = net.layers[l];
    let unit_offset = layer.out_offset - net.input_size;
    for (var j = 0u; j < layer.units; j++) { scratch[deltas + unit_offset + j] = (*dz)[j]; }
    if (l == 0) { break; }
    let below = net.layers[l - 1];
    var next: array<f32, 32>;
    // A field layer's dL/dx (field_input_grad); a dense layer's is sum_j W_ji dz_j, below.
    var through: array<f32, 32>;
    let field = layer.act == FIELD_ACT;
    if (field) { through = field_input_grad(layer, post, dz); }
    for (var i = 0u; i < layer.inputs; i++) {
      var sum = 0.0;
      if (field) { sum = through[i]; }
      for (var j = 0u; j < select(layer.units, 0u, field); j++) {
        sum += params[layer.weight + j * layer.inputs + i] * (*dz)[j];
      }
      let k = below.out_offset + i;
      let d = activate_grad(below.act, (*pre)[k], (*post)[k], below.slope);
      next[i] = sum * d;
      if (CONTRACTIVE) {
        // The contractive penalty's source at this hidden unit, 2λ·c·f'·f'' (c = Σ W², its row's),
        // and f'² for its direct term on the row's weights.
        let row = below.weight + i * below.inputs;
        var c = 0.0;
        for (var m = 0u; m < below.inputs; m++) { let v = params[row + m]; c += v * v; }
        next[i] += 2.0 * u.contractive * c * d * activate_curvature(below.act, (*post)[k], d);
        scratch[base + curvature_slot(k - net.input_size)] = d * d;
      }
    }
    *dz = next;
  }
}

// dL/dx of a field layer at its input x, given delta = dL/df (twin: fieldBackward):
// delta - sum_i (delta . v_i) g_i(x) (x - c_i) / sigma^2.
fn field_input_grad(layer: Layer, post: ptr<function, array<f32, MAX_VALUES>>,
                    delta: ptr<function, array<f32, 32>>) -> array<f32, 32> {
  var x: array<f32, 32>;
  for (var u = 0u; u < layer.inputs; u++) { x[u] = (*post)[layer.in_offset + u]; }
  var out = *delta;
  let sigma = field_sigma(layer);
  for (var i = 0u; i < field_anchors(layer); i++) {
    var dv = 0.0;
    for (var u = 0u; u < layer.inputs; u++) { dv += (*delta)[u] * params[layer.weight + i * layer.inputs + u]; }
    let s = dv * field_gauss(layer, i, &x) / (sigma * sigma);
    let c = layer.bias + i * layer.inputs;
    for (var u = 0u; u < layer.inputs; u++) { out[u] -= s * (x[u] - params[c + u]); }
  }
  return out;
}

// Which layer owns parameter p, and whether it is a weight. In a field layer, `unit` is the anchor i
// and `input` the component u of v_i (is_weight) or of c_i (field_centre); sigma is neither.
struct ParamRole { layer: u32, is_weight: bool, unit: u32, input: u32, field_centre: bool }

fn role_of(p: u32) -> ParamRole {
  var role = ParamRole(0u, false, 0u, 0u, false);
  for (var l = 0u; l < net.layer_count; l++) {
    let layer = net.layers[l];
    if (layer.act == FIELD_ACT) {
      let block = field_anchors(layer) * layer.inputs;
      if (p >= layer.weight && p < layer.bias) {
        let k = p - layer.weight;
        return ParamRole(l, true, k / layer.inputs, k % layer.inputs, false);
      }
      if (p >= layer.bias && p < layer.bias + block) {
        let k = p - layer.bias;
        return ParamRole(l, false, k / layer.inputs, k % layer.inputs, true);
      }
      if (p == layer.bias + block) { return ParamRole(l, false, 0u, 0u, false); }
      continue;
    }
    if (p >= layer.weight && p < layer.bias) {
      let k = p - layer.weight;
      return ParamRole(l, true, k / layer.inputs, k % layer.inputs, false);
    }
    if (p >= layer.bias && p < layer.bias + layer.units) {
      return ParamRole(l, false, p - layer.bias, 0u, false);
    }
  }
  return role;
}

// The sum over slots [first, last) of dL/dp for a parameter of a field layer (twin: fieldBackward):
// v_iu: delta_u g_i(x); c_iu (learned centres only): (delta . v_i) g_i(x) (x_u - c_iu) / sigma^2; sigma: 0.
fn field_gradient(role: ParamRole, first: u32, last: u32, st: u32) -> f32 {
  let layer = net.layers[role.layer];
  let learned = (net.learned_centres >> role.layer) & 1u;
  if (!role.is_weight && !(role.field_centre && learned == 1u)) { return 0.0; }
  let deltas = net.value_count + layer.out_offset - net.input_size;
  let i = role.unit;
  let u = role.input;
  let sigma = field_sigma(layer);
  var sum = 0.0;
  for (var s = first; s < last; s++) {
    var x: array<f32, 32>;
    for (var k = 0u; k < layer.inputs; k++) { x[k] = scratch[s * st + layer.in_offset + k]; }
    let g = field_gauss(layer, i, &x);
    if (role.is_weight) {
      sum += scratch[s * st + deltas + u] * g;
    } else {
      var dv = 0.0;
      for (var k = 0u; k < layer.inputs; k++) {
        dv += scratch[s * st + deltas + k] * params[layer.weight + i * layer.inputs + k];
      }
      sum += dv * g * (x[u] - params[layer.bias + i * layer.inputs + u]) / (sigma * sigma);
    }
  }
  return sum;
}

// partials[c][p] = Σ over the chunk's slots of dL/dp; partials[c][P] = Σ of the slots' losses.
@compute @workgroup_size(64)
fn gradient(@builtin(global_invocation_id) id: vec3<u32>) {
  let p = id.x;
  let c = id.y;
  let P = net.param_count;
  if (p > P || state.diverged_step != NONE) { return; }
  let batch = current_batch();
  let first = c * u.chunk;
  let last = min(batch.count, first + u.chunk);
  let st = stride();
  var sum = 0.0;
  if (p == P) {
    for (var s = first; s < last; s++) { sum += scratch[s * st + net.value_count + net.unit_count]; }
  } else if (net.layers[role_of(p).layer].act == FIELD_ACT) {
    sum = field_gradient(role_of(p), first, last, st);
  } else {
    let role = role_of(p);
    let layer = net.layers[role.layer];
    let delta = net.value_count + layer.out_offset - net.input_size + role.unit;
    if (role.is_weight) {
      let input = layer.in_offset + role.input;
      for (var s = first; s < last; s++) { sum += scratch[s * st + delta] * scratch[s * st + input]; }
      if (CONTRACTIVE && role.layer + 1u < net.layer_count) {
        // The contractive penalty's direct term: 2λ·W·Σ_samples f'(z)² of the weight's unit.
        let q = curvature_slot(layer.out_offset - net.input_size + role.unit);
        var squares = 0.0;
        for (var s = first; s < last; s++) { squares += scratch[s * st + q]; }
        sum += 2.0 * u.contractive * params[p] * squares;
      }
    } else if (!(KNN && role.layer + 1u == net.layer_count && layer.act == 0u)) {
      // (A linear k-NN output's biases get 0: distances ignore a shift of every output; twin: batchGradient.)
      for (var s = first; s < last; s++) { sum += scratch[s * st + delta]; }
    }
  }
  partials[c * (P + 1u) + p] = sum;
}

fn chunk_sum(p: u32, chunks: u32) -> f32 {
  var sum = 0.0;
  for (var c = 0u; c < chunks; c++) { sum += partials[c * (net.param_count + 1u) + p]; }
  return sum;
}

// One optimiser update per parameter (twin: applyOptimizer); skipped when the batch loss is not finite.
// The weights and moments it replaces gave a finite loss: they go to the backup first.
@compute @workgroup_size(64)
fn update(@builtin(global_invocation_id) id: vec3<u32>) {
  let p = id.x;
  let P = net.param_count;
  if (p >= P || state.diverged_step != NONE) { return; }
  let batch = current_batch();
  let chunks = (batch.count + u.chunk - 1u) / u.chunk;
  let count = f32(batch.count);
  if (is_not_finite(chunk_sum(P, chunks) / count)) { return; }
  var w = params[p];
  moments[2u * P + p] = w;
  moments[3u * P + p] = moments[p];
  moments[4u * P + p] = moments[P + p];
  var g = chunk_sum(p, chunks) / count;
  if (role_of(p).is_weight) { g += u.l1 * sign(w) + u.l2 * w; }
  switch u.optimizer {
    case 1u: {
      let v = u.momentum * moments[p] + g;
      moments[p] = v;
      w -= u.lr * v;
    }
    case 2u: {
      let s = u.rho * moments[P + p] + u.one_minus_rho * g * g;
      moments[P + p] = s;
      w -= u.lr * g / (sqrt(s) + u.epsilon);
    }
    case 3u: {
      let m = u.beta1 * moments[p] + u.one_minus_beta1 * g;
      let v = u.beta2 * moments[P + p] + u.one_minus_beta2 * g * g;
      moments[p] = m;
      moments[P + p] = v;
      let step = state.step;
      let bias = adam_bias(step, u.bias_steps, bias_table[min(step, u.bias_steps - 1u)], u.beta1, u.beta2);
      w -= u.lr * (m * bias.x) / (sqrt(v * bias.y) + u.epsilon);
    }
    default: { w -= u.lr * g; }
  }
  params[p] = w;
}

// Moves to the next step, or records the step whose loss was not finite and stops there, bringing back
// the weights and moments of the step before it from the backup (when the backup holds that step).
@compute @workgroup_size(1)
fn advance() {
  if (state.diverged_step != NONE || state.step >= state.target_step) { return; }
  let batch = current_batch();
  let chunks = (batch.count + u.chunk - 1u) / u.chunk;
  let loss = chunk_sum(net.param_count, chunks) / f32(batch.count);
  let s = state.step;
  if (is_not_finite(loss)) {
    state.diverged_step = s;
    if (s > 0u && state.good_step == s - 1u) {
      let P = net.param_count;
      for (var p = 0u; p < P; p++) {
        params[p] = moments[2u * P + p];
        moments[p] = moments[3u * P + p];
        moments[P + p] = moments[4u * P + p];
      }
      state.step = s - 1u;
    }
  } else {
    state.last_loss = loss;
    state.good_step = s;
    state.step = s + 1u;
  }
}
