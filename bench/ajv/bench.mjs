// AJV 8 (JSON Schema 2020-12) on the same schemas and submissions that bench/Jiayi.Bench exports to
// bench/data. Prints validations per second for allErrors true and false, single thread.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const data = join(dirname(fileURLToPath(import.meta.url)), "..", "data");
const forms = ["hypertension-followup", "elderly-tcm-constitution"];

function measure(validate, docs, seconds = 3) {
  // warm up, then count whole passes over the documents until the time is up
  for (let i = 0; i < 2000; i++) validate(docs[i % docs.length]);
  let n = 0, valid = 0;
  const end = process.hrtime.bigint() + BigInt(seconds * 1e9);
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (const doc of docs) { if (validate(doc)) valid++; }
    n += docs.length;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: Math.round(n / elapsed), validShare: valid / n };
}

const results = {};
for (const form of forms) {
  const schema = JSON.parse(readFileSync(join(data, `${form}.schema.json`), "utf8"));
  const docs = JSON.parse(readFileSync(join(data, `${form}.submissions.json`), "utf8"));
  for (const allErrors of [true, false]) {
    const ajv = new Ajv2020({ allErrors, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    results[`${form} allErrors=${allErrors}`] = measure(validate, docs);
  }
}
console.log(`node ${process.version}, ajv ${JSON.parse(readFileSync(new URL("node_modules/ajv/package.json", import.meta.url))).version}`);
console.table(results);
