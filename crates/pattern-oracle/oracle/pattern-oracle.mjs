// The ECMA-262 reference: Node's RegExp in Unicode mode, as the Smithy specification reads
// patterns. Reads lines "<pattern hex>\t<input hex>" (UTF-8, hex-encoded) and prints, per line,
// 1 when new RegExp(pattern, "u").test(input), 0 when not, E when the pattern is not valid
// ECMA-262 in Unicode mode, and T when V8's backtracking ran past the time limit (the one
// argument, in milliseconds; 1000 without it): its RegExp is exponential on patterns like
// ^([0-9]+)+$.
import { createInterface } from "node:readline";
import vm from "node:vm";

const limit = Number(process.argv[2] ?? 1000);
const decode = (hex) => Buffer.from(hex ?? "", "hex").toString("utf8");
const context = vm.createContext({});
// A timed run starts a watchdog thread, which costs more than most matches: the inputs of one
// pattern run together within one limit, and one by one only when that runs out.
const testAll = new vm.Script("inputs.map((input) => regexp.test(input))");
const testOne = new vm.Script("regexp.test(input)");

function answer(regexp, inputs) {
  if (regexp === null) {
    return inputs.map(() => "E");
  }
  context.regexp = regexp;
  context.inputs = inputs;
  try {
    return testAll.runInContext(context, { timeout: limit }).map((found) => (found ? "1" : "0"));
  } catch {
    return inputs.map((input) => {
      context.input = input;
      try {
        return testOne.runInContext(context, { timeout: limit }) ? "1" : "0";
      } catch {
        return "T";
      }
    });
  }
}

function compile(pattern) {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return null;
  }
}

const out = [];
let pattern = null;
let inputs = [];
for await (const line of createInterface({ input: process.stdin })) {
  const [patternHex, inputHex] = line.split("\t");
  const next = decode(patternHex);
  if (next !== pattern && pattern !== null) {
    out.push(...answer(compile(pattern), inputs));
    inputs = [];
  }
  pattern = next;
  inputs.push(decode(inputHex));
}
if (pattern !== null) {
  out.push(...answer(compile(pattern), inputs));
}
process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
