import type { MonitorStatus, SettingsUpdateResult } from '../../main/contract/api.js';
import { validateSettings, type FieldError, type Settings } from '../../main/contract/settings.js';
import { h, replaceChildren, setText } from '../dom.js';
import {
  blankService,
  errorsByField,
  formatFieldValue,
  parseFieldValue,
  readField,
  withField,
  type FieldKind,
} from '../model/settings-form.js';

interface ControlSpec {
  path: string;
  label: string;
  kind: FieldKind;
  unit?: string;
  options?: { value: string; label: string }[];
  hint?: string;
}

const PRESSURE_OPTIONS = ['fair', 'serious', 'critical'].map((v) => ({
  value: v,
  label: v[0]!.toUpperCase() + v.slice(1),
}));

function thresholdControls(key: string, name: string, unit: string): ControlSpec[] {
  const base = `alerts.${key}`;
  return [
    { path: `${base}.enabled`, label: `${name} alert`, kind: 'boolean' },
    { path: `${base}.warning`, label: 'Warning at', kind: 'number', unit },
    { path: `${base}.critical`, label: 'Critical at', kind: 'number', unit },
    { path: `${base}.windowSeconds`, label: 'Sustained for', kind: 'number', unit: 's' },
  ];
}

const SECTIONS: { title: string; controls: ControlSpec[]; appOnly?: boolean }[] = [
  {
    title: 'Alerts',
    controls: [
      { path: 'alerts.notifications', label: 'Show notifications', kind: 'boolean' },
      { path: 'alerts.cooldownMinutes', label: 'Cooldown between repeats', kind: 'number', unit: 'min' },
      ...thresholdControls('idlePower', 'Idle power', 'W'),
      {
        path: 'alerts.idlePowerAboveBaselineWatts',
        label: 'Or warn above baseline by',
        kind: 'optional-number',
        unit: 'W',
        hint: 'blank: off; otherwise idle power warns this far above your idle baseline',
      },
      ...thresholdControls('idleServiceCpu', 'Idle service CPU', '%'),
      ...thresholdControls('memoryGrowth', 'Memory growth', 'MB/h'),
      { path: 'alerts.thermalPressure.enabled', label: 'Thermal pressure alert', kind: 'boolean' },
      {
        path: 'alerts.thermalPressure.warning',
        label: 'Warning at',
        kind: 'select',
        options: PRESSURE_OPTIONS,
      },
      {
        path: 'alerts.thermalPressure.critical',
        label: 'Critical at',
        kind: 'select',
        options: PRESSURE_OPTIONS,
      },
      { path: 'alerts.thermalPressure.windowSeconds', label: 'Sustained for', kind: 'number', unit: 's' },
    ],
  },
  {
    title: 'Sampling',
    controls: [
      { path: 'sampling.intervalSeconds', label: 'Power and thermal every', kind: 'number', unit: 's' },
      {
        path: 'sampling.processIntervalSeconds',
        label: 'While open, every',
        kind: 'number',
        unit: 's',
        hint: 'power and service CPU while this window shows',
      },
      { path: 'sampling.slowIntervalSeconds', label: 'Full process scan every', kind: 'number', unit: 's' },
      {
        path: 'sampling.idleAfterMinutes',
        label: 'Stack idle after',
        kind: 'number',
        unit: 'min',
        hint: 'with no requests to any service',
      },
    ],
  },
  {
    title: 'Energy price',
    controls: [
      {
        path: 'energy.pricePerKwh',
        label: 'Price per kWh',
        kind: 'optional-number',
        hint: 'blank: no money figures',
      },
      { path: 'energy.currency', label: 'Currency', kind: 'text', hint: 'code such as EUR, USD, GBP' },
    ],
  },
  {
    title: 'Data',
    controls: [
      { path: 'retention.rawDays', label: 'Keep raw samples', kind: 'number', unit: 'days' },
      { path: 'retention.rollupDays', label: 'Keep per-minute rollups', kind: 'number', unit: 'days' },
    ],
  },
  {
    title: 'API',
    controls: [
      { path: 'api.port', label: 'Loopback API port', kind: 'number', hint: 'applies after a restart' },
    ],
  },
  {
    title: 'App',
    appOnly: true,
    controls: [{ path: 'launchAtLogin', label: 'Launch at login', kind: 'boolean' }],
  },
];

const SERVICE_CONTROLS: ControlSpec[] = [
  { path: 'name', label: 'Name', kind: 'text' },
  { path: 'id', label: 'Id', kind: 'text', hint: 'lower-case letters, digits, dashes' },
  { path: 'ports', label: 'Ports', kind: 'number-list', hint: 'comma-separated' },
  { path: 'processNames', label: 'Process names', kind: 'text-list', hint: 'comma-separated' },
  { path: 'commandPattern', label: 'Command pattern', kind: 'optional-text', hint: 'regular expression' },
  {
    path: 'probe',
    label: 'Probe',
    kind: 'optional-text',
    options: [
      { value: '', label: 'None' },
      { value: 'ollama', label: 'Ollama (loaded models)' },
    ],
  },
];

const controlId = (path: string) => `f-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;

export interface SettingsPanelView {
  element: HTMLElement;
  /** Shows saved settings unless the user has unsaved edits. */
  setSettings(settings: Settings, status: MonitorStatus | null): void;
}

export function createSettingsPanel(options: {
  save(settings: Settings): Promise<SettingsUpdateResult>;
}): SettingsPanelView {
  let saved: Settings | null = null;
  let draft: Settings | null = null;
  let status: MonitorStatus | null = null;
  let dirty = false;
  const controls = new Map<
    string,
    { kind: FieldKind; control: HTMLInputElement | HTMLSelectElement; error: HTMLElement }
  >();
  /** Where errors about a whole service (`services[2]`) go. */
  const serviceErrorSlots = new Map<string, HTMLElement>();

  const summary = h('div', { class: 'form-errors', role: 'alert', id: 'settings-errors' });
  const body = h('div', { class: 'settings-body' });
  const saveButton = h('button', { type: 'submit', class: 'button primary', id: 'settings-save' }, 'Save');
  const revert = h('button', { type: 'button', class: 'button', id: 'settings-revert' }, 'Revert');
  const saveStatus = h('span', { class: 'muted', role: 'status', id: 'settings-status' });
  const form = h(
    'form',
    { class: 'settings-form', novalidate: true },
    summary,
    body,
    h('div', { class: 'button-row sticky' }, saveButton, revert, saveStatus),
  );
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'settings-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'settings-title' }, 'Settings')),
    form,
  );

  function control(spec: ControlSpec, path: string, value: unknown) {
    const id = controlId(path);
    const errorId = `${id}-error`;
    const error = h('span', { class: 'field-error', id: errorId });
    let input: HTMLInputElement | HTMLSelectElement;
    if (spec.options) {
      input = h(
        'select',
        { id, 'aria-describedby': errorId },
        spec.options.map((o) => h('option', { value: o.value }, o.label)),
      );
      input.value = formatFieldValue(spec.kind, value);
    } else if (spec.kind === 'boolean') {
      input = h('input', { type: 'checkbox', id, 'aria-describedby': errorId });
      input.checked = value === true;
    } else {
      input = h('input', {
        type: 'text',
        id,
        inputmode: spec.kind === 'number' ? 'decimal' : spec.kind === 'number-list' ? 'numeric' : null,
        'aria-describedby': errorId,
        spellcheck: 'false',
        autocomplete: 'off',
      });
      input.value = formatFieldValue(spec.kind, value);
    }
    input.dataset.field = path;
    input.addEventListener('input', () => {
      dirty = true;
      setText(saveStatus, 'Unsaved changes');
    });
    controls.set(path, { kind: spec.kind, control: input, error });
    const label = h('span', { class: 'label-text' }, spec.label);
    if (spec.kind === 'boolean') {
      return h('div', { class: 'field check' }, input, h('label', { for: id }, label), error);
    }
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label, spec.hint ? h('span', { class: 'hint' }, ` (${spec.hint})`) : null),
      h(
        'span',
        { class: 'input-unit' },
        input,
        spec.unit ? h('span', { class: 'unit', 'aria-hidden': 'true' }, spec.unit) : null,
      ),
      error,
    );
  }

  function readControls(): Settings {
    let next = structuredClone(draft!);
    for (const [path, { kind, control: c }] of controls) {
      const raw = c instanceof HTMLInputElement && c.type === 'checkbox' ? c.checked : c.value;
      next = withField(next, path, parseFieldValue(kind, raw));
    }
    return next;
  }

  function render(): void {
    if (!draft) return;
    controls.clear();
    serviceErrorSlots.clear();
    const services = h(
      'fieldset',
      { class: 'section', id: 'settings-services', 'data-field': 'services' },
      h('legend', {}, 'Services'),
      draft.services.length === 0
        ? h('p', { class: 'muted' }, 'No services. Add the servers you run locally.')
        : null,
      draft.services.map((s, i) => {
        const path = `services[${i}]`;
        const remove = h(
          'button',
          { type: 'button', class: 'link danger small', 'data-remove': i },
          `Remove`,
        );
        remove.setAttribute('aria-label', `Remove ${s.name || 'this service'}`);
        remove.addEventListener('click', () => {
          draft = readControls();
          draft.services.splice(i, 1);
          dirty = true;
          render();
        });
        const error = h('span', { class: 'field-error', id: `${controlId(path)}-error` });
        const details = h(
          'details',
          { class: 'service-editor', 'data-service-index': i },
          h(
            'summary',
            {},
            h('span', {}, s.name || 'New service'),
            h('span', { class: 'muted' }, s.ports.length ? ` :${s.ports.join(', :')}` : ''),
          ),
          SERVICE_CONTROLS.map((spec) =>
            control(spec, `${path}.${spec.path}`, readField(draft!, `${path}.${spec.path}`)),
          ),
          error,
          remove,
        );
        if (!s.name) details.open = true;
        serviceErrorSlots.set(path, error);
        return details;
      }),
    );
    const add = h(
      'button',
      { type: 'button', class: 'button small', id: 'settings-add-service' },
      'Add service',
    );
    add.addEventListener('click', () => {
      draft = readControls();
      draft.services.push(blankService(draft.services.map((s) => s.id)));
      dirty = true;
      render();
      const last = body.querySelector<HTMLDetailsElement>('details.service-editor:last-of-type');
      last?.querySelector('input')?.focus();
    });
    services.append(add);

    const sections = SECTIONS.filter((s) => !s.appOnly || status?.mode === 'app').map((section) =>
      h(
        'fieldset',
        { class: 'section' },
        h('legend', {}, section.title),
        section.controls.map((spec) => control(spec, spec.path, readField(draft!, spec.path))),
        section.title === 'API' ? tokenNote() : null,
      ),
    );
    replaceChildren(body, services, sections);
  }

  function tokenNote(): HTMLElement {
    const where = status?.dataDir
      ? `${status.dataDir.replace(/\/+$/, '')}/api-token`
      : 'the data directory (api-token)';
    return h(
      'p',
      { class: 'muted small', id: 'api-token-note' },
      'API token: ',
      h('code', {}, where),
      '. Send it as ',
      h('code', {}, 'Authorization: Bearer <token>'),
      '; it is never shown in this page.',
    );
  }

  function showErrors(errors: readonly FieldError[]): void {
    const paths = [...controls.keys(), ...serviceErrorSlots.keys()];
    const grouped = errorsByField(errors, paths);
    for (const { error, control: c } of controls.values()) {
      setText(error, '');
      c.removeAttribute('aria-invalid');
    }
    for (const slot of serviceErrorSlots.values()) setText(slot, '');
    for (const [field, messages] of grouped) {
      if (field === '') continue;
      const entry = controls.get(field);
      const slot = entry?.error ?? serviceErrorSlots.get(field);
      if (slot) setText(slot, messages.join('; '));
      entry?.control.setAttribute('aria-invalid', 'true');
      const details = (entry?.control ?? slot)?.closest('details');
      if (details) details.open = true;
    }
    const loose = grouped.get('') ?? [];
    replaceChildren(
      summary,
      errors.length
        ? h(
            'p',
            {},
            `${errors.length === 1 ? 'One setting needs' : `${errors.length} settings need`} fixing before saving.`,
          )
        : null,
      loose.length
        ? h(
            'ul',
            {},
            loose.map((m) => h('li', {}, m)),
          )
        : null,
    );
    if (errors.length) {
      const first = [...controls.values()].find((c) => c.control.getAttribute('aria-invalid') === 'true');
      first?.control.focus();
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  revert.addEventListener('click', () => {
    if (!saved) return;
    draft = structuredClone(saved);
    dirty = false;
    render();
    showErrors([]);
    setText(saveStatus, 'Reverted');
  });

  async function submit() {
    if (!draft) return;
    const candidate = readControls();
    const checked = validateSettings(candidate);
    if (!checked.ok) {
      draft = candidate;
      showErrors(checked.errors);
      setText(saveStatus, 'Not saved');
      return;
    }
    saveButton.disabled = true;
    setText(saveStatus, 'Saving\u2026');
    try {
      const result = await options.save(checked.value);
      if (result.ok) {
        saved = result.settings;
        draft = structuredClone(result.settings);
        dirty = false;
        render();
        showErrors([]);
        setText(saveStatus, 'Saved');
      } else {
        draft = candidate;
        showErrors(result.errors);
        setText(saveStatus, 'Not saved');
      }
    } catch (e) {
      setText(saveStatus, `Not saved: ${(e as Error).message}`);
    } finally {
      saveButton.disabled = false;
    }
  }

  return {
    element,
    setSettings(settings, nextStatus) {
      const modeChanged = status?.mode !== nextStatus?.mode || status?.dataDir !== nextStatus?.dataDir;
      status = nextStatus;
      saved = settings;
      if (dirty && !modeChanged) return;
      draft = structuredClone(settings);
      render();
    },
  };
}
