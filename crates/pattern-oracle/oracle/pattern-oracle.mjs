// The ECMA-262 reference: Node's RegExp in Unicode mode, as the Smithy specification reads
// patterns. Reads lines "<pattern hex>\t<input hex>" (UTF-8, hex-encoded) and prints, per line,
// 1 when new RegExp(pattern, "u").test(input), 0 when not, E when the pattern is not valid
// ECMA-262 in Unicode mode, and T when V8's backtracking took longer than a second (its RegExp
// is exponential on patterns like ^([0-9]+)+$).
import { createInterface } from "node:readline";
import vm from "node:vm";

const decode = (hex) => Buffer.from(hex, "hex").toString("utf8");
const context = vm.createContext({});
const test = new vm.Script("regexp.test(input)");
const compiled = new Map();
const out = [];
for await (const line of createInterface({ input: process.stdin })) {
  const [patternHex, inputHex] = line.split("\t");
  const pattern = decode(patternHex);
  if (!compiled.has(pattern)) {
    try {
      compiled.set(pattern, new RegExp(pattern, "u"));
    } catch {
      compiled.set(pattern, null);
    }
  }
  const regexp = compiled.get(pattern);
  if (regexp === null) {
    out.push("E");
    continue;
  }
  context.regexp = regexp;
  context.input = decode(inputHex ?? "");
  try {
    out.push(test.runInContext(context, { timeout: 1000 }) ? "1" : "0");
  } catch {
    out.push("T");
  }
}
process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
