/** The sweep page's form: filled with a preset's defaults, read back as text for readRequest. */
import { findPreset } from '../data/presets';
import type { SweepForm } from './request';
import { WIDTH_PRESETS, defaultForm } from './request';

const FIELDS: Record<keyof SweepForm, string> = {
  preset: 'preset',
  seeds: 'seeds',
  widths: 'widths',
  layer: 'layer',
  rates: 'rates',
  target: 'target',
  epochs: 'epochs',
  features: 'features',
};

function field(key: keyof SweepForm): HTMLInputElement | HTMLSelectElement {
  return document.getElementById(FIELDS[key]) as HTMLInputElement | HTMLSelectElement;
}

/** Fills the preset list and the fields; a new preset brings its own widths, rate and epochs. */
export function setUpForm(initial: Partial<SweepForm>): void {
  const select = field('preset') as HTMLSelectElement;
  select.replaceChildren(
    ...WIDTH_PRESETS.map(({ id }) => {
      const option = document.createElement('option');
      option.value = id;
      option.textContent = `${id} — ${findPreset(id).title}`;
      return option;
    }),
  );
  writeForm({ ...defaultForm(initial.preset), ...initial });
  select.addEventListener('change', () => {
    const keep = readForm();
    writeForm({ ...defaultForm(select.value), seeds: keep.seeds, target: keep.target });
  });
}

export function writeForm(form: SweepForm): void {
  for (const key of Object.keys(FIELDS) as (keyof SweepForm)[]) field(key).value = form[key];
}

export function readForm(): SweepForm {
  const out = {} as SweepForm;
  for (const key of Object.keys(FIELDS) as (keyof SweepForm)[]) out[key] = field(key).value;
  return out;
}
