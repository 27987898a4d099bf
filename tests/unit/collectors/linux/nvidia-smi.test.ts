import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createNvidiaSmiCollector,
  nvidiaNumber,
  parseNvidiaSmi,
  parseNvidiaSmiCsv,
  parseNvidiaSmiXml,
} from '../../../../main/collectors/linux/nvidia-smi.js';
import { FIXTURES, tempDir } from '../../../helpers.js';
import { linuxEnv, request, scriptedRunner, writeTree } from '../linux/linux-env.js';

const TELEGRAF = join(FIXTURES, 'nvidia-smi', 'telegraf');
const read = (name: string) => readFileSync(join(TELEGRAF, name), 'utf8');
const MIB = 1024 * 1024;

function xml(name: string) {
  const parsed = parseNvidiaSmiXml(read(name));
  assert.ok(parsed.ok, `${name}: ${parsed.ok ? '' : parsed.error}`);
  return parsed.value;
}

test('every telegraf XML fixture parses to at least one GPU with its name and memory', () => {
  const files = readdirSync(TELEGRAF).filter((f) => f.endsWith('.xml'));
  assert.equal(files.length, 18);
  for (const file of files) {
    const gpu = xml(file);
    assert.ok(gpu.devices.length >= 1, file);
    for (const d of gpu.devices) {
      assert.ok(d.name.length > 0, file);
      assert.ok(d.memoryTotalBytes! > 0, `${file} memory total`);
    }
  }
});

test('power across schema generations: v11 power_readings, v12 gpu_power_readings, v13 average/instant', () => {
  assert.equal(xml('a10g.xml').devices[0]!.powerWatts, 25.58, 'v11 power_readings/power_draw');
  assert.equal(xml('a100-sxm4-v12.xml').devices[0]!.powerWatts, 67.03, 'v12 gpu_power_readings/power_draw');
  assert.equal(xml('3090-v13.xml').devices[0]!.powerWatts, 35.06, 'v13 average_power_draw');
  assert.equal(xml('dual_2070-v13.xml').devices[0]!.powerWatts, 9.23, 'v13 average N/A → instant');
  assert.equal(xml('quadro-p400.xml').devices[0]!.powerWatts, null, 'N/A is absent, not 0');
});

test('A10G in full: temperature, utilisation, memory and per-process GPU memory', () => {
  assert.deepEqual(xml('a10g.xml'), {
    source: 'nvidia-smi',
    devices: [
      {
        name: 'NVIDIA A10G',
        powerWatts: 25.58,
        tempCelsius: 17,
        utilizationPercent: 0,
        memoryUsedBytes: 22 * MIB,
        memoryTotalBytes: 23028 * MIB,
      },
    ],
    processMemoryBytes: { 725: 22 * MIB },
  });
});

test('two GPUs, MIG utilisation N/A, vGPU process memory N/A', () => {
  const dual = xml('dual_a5000-v13.xml');
  assert.equal(dual.devices.length, 2);
  assert.equal(dual.devices[0]!.memoryUsedBytes, 22437 * MIB);
  assert.equal(dual.devices[1]!.memoryUsedBytes, 17253 * MIB);
  assert.equal(dual.processMemoryBytes![100477], (22430 + 17246) * MIB, 'one pid on both GPUs: summed');
  assert.equal(xml('a100-sxm4-v12.xml').devices[0]!.utilizationPercent, null);
  assert.equal(xml('tesla_p4.xml').processMemoryBytes, undefined, 'every used_memory is N/A');
  assert.equal(Object.keys(xml('rtx-3080-v12.xml').processMemoryBytes!).length, 5);
});

test('CSV with units and with nounits (own samples), [N/A] absent', () => {
  const units = parseNvidiaSmiCsv(readFileSync(join(FIXTURES, 'nvidia-smi/own/query-gpu-units.csv'), 'utf8'));
  assert.deepEqual(units, {
    ok: true,
    value: {
      source: 'nvidia-smi',
      devices: [
        {
          name: 'NVIDIA GeForce RTX 4090',
          powerWatts: 21.43,
          tempCelsius: 38,
          utilizationPercent: 0,
          memoryUsedBytes: 1234 * MIB,
          memoryTotalBytes: 24564 * MIB,
        },
        {
          name: 'NVIDIA T400 4GB',
          powerWatts: null,
          tempCelsius: 41,
          utilizationPercent: 3,
          memoryUsedBytes: 5 * MIB,
          memoryTotalBytes: 4096 * MIB,
        },
      ],
    },
  });
  const nounits = parseNvidiaSmiCsv(
    readFileSync(join(FIXTURES, 'nvidia-smi/own/query-gpu-nounits.csv'), 'utf8'),
  );
  assert.ok(nounits.ok);
  assert.deepEqual(nounits.ok && nounits.value.devices[0], {
    name: 'NVIDIA L4',
    powerWatts: 16.21,
    tempCelsius: 35,
    utilizationPercent: 0,
    memoryUsedBytes: 0,
    memoryTotalBytes: (305 + 0 + 22478) * MIB,
  });
});

test('the netdata Tesla P100 CSV (GPL, read from ../shared only when present)', (t) => {
  const path = join(
    FIXTURES,
    '..',
    '..',
    '..',
    'shared',
    'fixtures',
    'nvidia-smi',
    'netdata',
    'tesla-p100.csv',
  );
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    const reason = `${path} is not here (it is GPL-licensed, so not copied into the repository)`;
    console.log(`skipped: ${reason}`);
    t.skip(reason);
    return;
  }
  const parsed = parseNvidiaSmi(text);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.ok && parsed.value.devices[0], {
    name: 'Tesla P100-PCIE-16GB',
    powerWatts: 28.16,
    tempCelsius: 37,
    utilizationPercent: 0,
    memoryUsedBytes: 0,
    memoryTotalBytes: (103 + 0 + 16280) * MIB,
  });
});

test('values: units stripped, every flavour of N/A is null', () => {
  assert.equal(nvidiaNumber('67.03 W'), 67.03);
  assert.equal(nvidiaNumber('0 %'), 0);
  assert.equal(nvidiaNumber('-5 C'), -5);
  for (const na of [
    'N/A',
    '[N/A]',
    '[Not Supported]',
    'Unknown Error',
    '',
    'Requested functionality has been deprecated',
  ]) {
    assert.equal(nvidiaNumber(na), null, na);
  }
});

test('not nvidia-smi output: labelled errors, never a throw', () => {
  for (const text of [
    '',
    'hello world',
    '<html><body/></html>',
    '<nvidia_smi_log',
    'a, b\n1, 2\n',
    '{"gpus": []}',
  ]) {
    const parsed = parseNvidiaSmi(text);
    assert.equal(parsed.ok, false, JSON.stringify(text));
    assert.ok(!parsed.ok && parsed.error.length > 0);
  }
  const ragged = parseNvidiaSmiCsv('name, power.draw [W]\nA, 1 W, extra\n');
  assert.deepEqual(ragged, { ok: false, error: 'row 1 has 3 cells, the header 2' });
});

test('collector: runs nvidia-smi -q -x; not installed is absent; a failing driver is absent with its line', async () => {
  const exec = scriptedRunner({ 'nvidia-smi -q -x': { stdout: read('tesla-t4.xml') } });
  const reading = await createNvidiaSmiCollector(linuxEnv({ exec, now: () => 5 })).collect(request());
  assert.equal(reading.status, 'ok');
  assert.equal(reading.status === 'ok' && reading.value.gpu!.devices[0]!.powerWatts, 26.78);
  assert.deepEqual(exec.calls, ['nvidia-smi -q -x']);

  const missing = await createNvidiaSmiCollector(linuxEnv()).collect(request());
  assert.deepEqual(missing, {
    status: 'absent',
    reason: 'not-present',
    detail: 'nvidia-smi is not installed',
  });

  const driver = scriptedRunner({
    'nvidia-smi -q -x': {
      exitCode: 9,
      stdout: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n",
    },
  });
  const broken = await createNvidiaSmiCollector(linuxEnv({ exec: driver })).collect(request());
  assert.equal(broken.status === 'absent' && broken.reason, 'not-present');
  assert.match(broken.status === 'absent' ? broken.detail! : '', /couldn't communicate/);

  const garbage = scriptedRunner({ 'nvidia-smi -q -x': { stdout: 'Segmentation fault' } });
  const bad = await createNvidiaSmiCollector(linuxEnv({ exec: garbage })).collect(request());
  assert.equal(bad.status, 'error');

  const slow = scriptedRunner({ 'nvidia-smi -q -x': { exitCode: null, failure: 'timeout' } });
  assert.deepEqual(await createNvidiaSmiCollector(linuxEnv({ exec: slow })).collect(request()), {
    status: 'error',
    message: 'nvidia-smi timed out',
  });
});

test('a runtime-suspended NVIDIA GPU is not woken to be measured', async (t) => {
  const root = tempDir(t);
  writeTree(root, {
    'bus/pci/devices/0000:01:00.0/vendor': '0x10de\n',
    'bus/pci/devices/0000:01:00.0/class': '0x030000\n',
    'bus/pci/devices/0000:01:00.0/power/runtime_status': 'suspended\n',
    'bus/pci/devices/0000:00:02.0/vendor': '0x8086\n',
    'bus/pci/devices/0000:00:02.0/class': '0x030000\n',
  });
  const exec = scriptedRunner({ 'nvidia-smi -q -x': { stdout: read('tesla-t4.xml') } });
  const reading = await createNvidiaSmiCollector(linuxEnv({ sysRoot: root, exec })).collect(request());
  assert.equal(reading.status === 'absent' && reading.reason, 'no-data');
  assert.deepEqual(exec.calls, [], 'nvidia-smi was not run');
});
