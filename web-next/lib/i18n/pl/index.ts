/** Polski. */
import type { Dictionary } from "../en";
import { shell } from "./shell";
import { cockpit } from "./cockpit";
import { brain } from "./brain";
import { documents } from "./documents";
import { tools } from "./tools";
import { inspector } from "./inspector";
import { config } from "./config";
import { automations } from "./automations";
import { models } from "./models";

export const pl: Dictionary = { ...shell, ...cockpit, ...brain, ...documents, ...tools, ...inspector, ...config, ...automations, ...models };
