// Generates the front end's types from the server's schemas (docs/architecture.md, "Typed edges"):
//   schema/openapi.json (the REST API, django-ninja)   -> src/generated/api.ts
//   schema/socket.json  (the socket messages, pydantic) -> src/generated/socket.ts
// Usage: node scripts/gen-types.mjs [--out DIR]   write the files (default src/generated)
//        node scripts/gen-types.mjs --check       fail if the committed files are stale
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { compile } from "json-schema-to-typescript";
import openapiTS, { astToString } from "openapi-typescript";
import * as prettier from "prettier";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SCHEMA_DIR = join(ROOT, "schema");
const GENERATED_DIR = join(ROOT, "src", "generated");
const OUTPUTS = ["api.ts", "socket.ts"];

function banner(schema) {
  return [
    `// Generated from frontend/schema/${schema} by frontend/scripts/gen-types.mjs: do not edit.`,
    "// Regenerate with `make types` (the server writes the schema, then `npm run gen:types`).",
    "",
  ].join("\n");
}

async function readJson(name) {
  return JSON.parse(await readFile(join(SCHEMA_DIR, name), "utf8"));
}

/**
 * The socket schema reshaped for json-schema-to-typescript: every `$defs` entry becomes a named
 * type, and so do the root's two unions (`client` as `ClientMessage`, `server` as `ServerMessage`),
 * reachable from one root interface that lists them all, since the tool writes only what the root
 * reaches. Only `$defs` entries keep a title: pydantic titles every field too ("Id", "Type"), and
 * the tool would make a named type of each.
 */
function namedByDefs(schema) {
  const strip = (node) => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== "object") return node;
    const copy = {};
    for (const [key, value] of Object.entries(node)) {
      if (key !== "title") copy[key] = strip(value);
    }
    // A tuple (pydantic writes draft 2020-12's prefixItems) in the draft-07 form the tool reads.
    if (copy.prefixItems) {
      copy.items = copy.prefixItems;
      delete copy.prefixItems;
    }
    return copy;
  };
  const { $defs = {}, client, server } = strip(schema);
  const defs = {
    ClientMessage: { ...client, title: "ClientMessage" },
    ServerMessage: { ...server, title: "ServerMessage" },
  };
  for (const [name, def] of Object.entries($defs)) defs[name] = { ...def, title: name };
  const names = Object.keys(defs);
  return {
    title: "SocketSchema",
    description: "Every type of the socket schema, by name.",
    type: "object",
    properties: Object.fromEntries(names.map((name) => [name, { $ref: `#/$defs/${name}` }])),
    required: names,
    $defs: defs,
  };
}

async function format(text) {
  const options = (await prettier.resolveConfig(join(ROOT, "src", "generated", "x.ts"))) ?? {};
  return prettier.format(text, { ...options, parser: "typescript" });
}

async function generateApi() {
  const ast = await openapiTS(await readJson("openapi.json"));
  return format(banner("openapi.json") + astToString(ast));
}

async function generateSocket() {
  const schema = namedByDefs(await readJson("socket.json"));
  const text = await compile(schema, schema.title, {
    bannerComment: "",
    // A model lists all its keys: no index signatures unless the schema asks for them.
    additionalProperties: false,
    format: false,
  });
  return format(banner("socket.json") + text);
}

async function generate(outDir) {
  await mkdir(outDir, { recursive: true });
  const [api, socket] = await Promise.all([generateApi(), generateSocket()]);
  await writeFile(join(outDir, "api.ts"), api);
  await writeFile(join(outDir, "socket.ts"), socket);
}

async function check() {
  const temp = await mkdtemp(join(tmpdir(), "toyz-types-"));
  try {
    await generate(temp);
    const stale = [];
    for (const name of OUTPUTS) {
      const fresh = await readFile(join(temp, name), "utf8");
      const committed = await readFile(join(GENERATED_DIR, name), "utf8").catch(() => null);
      if (committed !== fresh) stale.push(relative(ROOT, join(GENERATED_DIR, name)));
    }
    if (stale.length > 0) {
      console.error(
        `Stale generated types: ${stale.join(", ")} do not match the schemas in frontend/schema/.` +
          " Run `make types` and commit the result.",
      );
      process.exitCode = 1;
    } else {
      console.log("The generated types match the schemas.");
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args.includes("--check")) {
  await check();
} else {
  const at = args.indexOf("--out");
  await generate(at >= 0 && args[at + 1] ? join(process.cwd(), args[at + 1]) : GENERATED_DIR);
}
