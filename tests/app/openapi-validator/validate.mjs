// Validates an OpenAPI document against the official schema of the version it declares (3.1 for
// web/openapi.json): `node validate.mjs <file>`; exit 1 with the errors when it is not valid.
import { Validator } from "@seriousme/openapi-schema-validator";

const file = process.argv[2];
const validator = new Validator();
const res = await validator.validate(file);
if (!res.valid) {
    console.error(`${file} is not a valid OpenAPI ${validator.version} document:`);
    console.error(JSON.stringify(res.errors, null, 2));
    process.exit(1);
}
console.log(`${file}: valid OpenAPI ${validator.version}`);
