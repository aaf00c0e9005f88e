// The network as a table, for the kernels that loop over layers (any shape within the limits).
// Per sample, every representation lives in one private array: the input at 0, then each layer's
// units at `out_offset` (twin: forward() in src/engine/twin.ts).

const MAX_LAYERS: u32 = 12u;
const MAX_VALUES: u32 = 400u;  // 3 inputs + 12 layers x 32 units

struct Layer {
  inputs: u32,
  units: u32,
  act: u32,
  slope: f32,
  weight: u32,      // offset of W (units, inputs) in params; a field layer's vectors v (K, inputs)
  bias: u32,        // offset of b (units) in params; a field layer's anchors c (K, inputs), then sigma
  in_offset: u32,   // where this layer's input starts in the per-sample value array
  out_offset: u32,  // where its output starts
}

struct Net {
  layer_count: u32,
  input_size: u32,
  output_units: u32,
  loss: u32,        // 0 mse, 1 bce, 2 ce
  param_count: u32,
  value_count: u32, // values per sample (sum of all widths)
  unit_count: u32,  // units per sample (sum of layer widths, input excluded)
  learned_centres: u32, // bit l: layer l is a field layer whose anchors are trained
  layers: array<Layer, MAX_LAYERS>,
}

// A vector-field layer's `act` (src/engine/tables.ts FIELD_CODE): f(x) = x + sum_i v_i g_i(x),
// g_i(x) = exp(-|x - c_i|^2 / (2 sigma^2)) (twin: src/engine/fieldTwin.ts).
const FIELD_ACT: u32 = 7u;

fn field_anchors(layer: Layer) -> u32 { return (layer.bias - layer.weight) / layer.inputs; }

fn field_sigma(layer: Layer) -> f32 { return params[layer.bias + field_anchors(layer) * layer.inputs]; }

// g_i(x) of anchor i at the point x (one representation, `inputs` values).
fn field_gauss(layer: Layer, i: u32, x: ptr<function, array<f32, 32>>) -> f32 {
  let sigma = field_sigma(layer);
  let c = layer.bias + i * layer.inputs;
  var d2 = 0.0;
  for (var u = 0u; u < layer.inputs; u++) { let d = (*x)[u] - params[c + u]; d2 += d * d; }
  return exp(-d2 / (2.0 * sigma * sigma));
}

// Forward pass of one sample; fills pre (z) and post (a) for all layers.
fn forward_values(x_offset: u32, pre: ptr<function, array<f32, MAX_VALUES>>,
                  post: ptr<function, array<f32, MAX_VALUES>>) {
  for (var i = 0u; i < net.input_size; i++) {
    (*post)[i] = xs[x_offset + i];
    (*pre)[i] = (*post)[i];
  }
  for (var l = 0u; l < net.layer_count; l++) {
    let layer = net.layers[l];
    if (layer.act == FIELD_ACT) {
      var x: array<f32, 32>;
      for (var u = 0u; u < layer.inputs; u++) { x[u] = (*post)[layer.in_offset + u]; }
      var f = x;
      for (var i = 0u; i < field_anchors(layer); i++) {
        let g = field_gauss(layer, i, &x);
        for (var u = 0u; u < layer.inputs; u++) { f[u] += params[layer.weight + i * layer.inputs + u] * g; }
      }
      for (var u = 0u; u < layer.inputs; u++) {
        (*pre)[layer.out_offset + u] = f[u];
        (*post)[layer.out_offset + u] = f[u];
      }
      continue;
    }
    for (var j = 0u; j < layer.units; j++) {
      var z = params[layer.bias + j];
      let row = layer.weight + j * layer.inputs;
      for (var i = 0u; i < layer.inputs; i++) {
        z += params[row + i] * (*post)[layer.in_offset + i];
      }
      (*pre)[layer.out_offset + j] = z;
    }
    if (layer.act == 6u) {
      var m = -3.4e38;
      for (var j = 0u; j < layer.units; j++) { m = max(m, (*pre)[layer.out_offset + j]); }
      var s = 0.0;
      for (var j = 0u; j < layer.units; j++) {
        let e = exp((*pre)[layer.out_offset + j] - m);
        (*post)[layer.out_offset + j] = e;
        s += e;
      }
      for (var j = 0u; j < layer.units; j++) { (*post)[layer.out_offset + j] /= s; }
    } else {
      for (var j = 0u; j < layer.units; j++) {
        (*post)[layer.out_offset + j] = activate(layer.act, (*pre)[layer.out_offset + j], layer.slope);
      }
    }
  }
}

// Target k of a label: the label itself for one output, else one-hot.
fn target_of(label: f32, k: u32) -> f32 {
  if (net.output_units == 1u) { return label; }
  return select(0.0, 1.0, u32(round(label)) == k);
}

// Loss of one sample (twin: sampleLoss). If `dz` is given, writes dL/dz of the output layer there.
fn sample_loss(label: f32, pre: ptr<function, array<f32, MAX_VALUES>>,
               post: ptr<function, array<f32, MAX_VALUES>>,
               dz: ptr<function, array<f32, 32>>) -> f32 {
  let out = net.layers[net.layer_count - 1u];
  let o = out.out_offset;
  var loss = 0.0;
  if (net.loss == 0u) {
    for (var k = 0u; k < out.units; k++) {
      let e = (*post)[o + k] - target_of(label, k);
      loss += 0.5 * e * e;
      (*dz)[k] = e * activate_grad(out.act, (*pre)[o + k], (*post)[o + k], out.slope);
    }
  } else if (net.loss == 1u) {
    loss = softplus_((*pre)[o]) - label * (*pre)[o];
    (*dz)[0] = (*post)[o] - label;
  } else {
    var m = -3.4e38;
    for (var k = 0u; k < out.units; k++) { m = max(m, (*pre)[o + k]); }
    var s = 0.0;
    var zy = 0.0;
    let y = u32(round(label));
    for (var k = 0u; k < out.units; k++) {
      s += exp((*pre)[o + k] - m);
      if (k == y) { zy = (*pre)[o + k]; }
      (*dz)[k] = (*post)[o + k] - select(0.0, 1.0, k == y);
    }
    loss = m + log(s) - zy;
  }
  return loss;
}

// a > 1/2 for one output, argmax otherwise (twin: isCorrect).
fn is_correct(label: f32, post: ptr<function, array<f32, MAX_VALUES>>) -> bool {
  let out = net.layers[net.layer_count - 1u];
  let o = out.out_offset;
  let y = u32(round(label));
  if (out.units == 1u) { return select(0u, 1u, (*post)[o] > 0.5) == y; }
  var best = 0u;
  for (var k = 1u; k < out.units; k++) {
    if ((*post)[o + k] > (*post)[o + best]) { best = k; }
  }
  return best == y;
}
