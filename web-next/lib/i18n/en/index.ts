/** English, the default language and the source of the dictionary's shape (pl and de must match it),
 * one file per part of the UI. */
import type { Widen } from "../widen";
import { shell } from "./shell";
import { cockpit } from "./cockpit";
import { brain } from "./brain";
import { documents } from "./documents";
import { tools } from "./tools";
import { inspector } from "./inspector";
import { config } from "./config";
import { automations } from "./automations";
import { models } from "./models";

export const en = { ...shell, ...cockpit, ...brain, ...documents, ...tools, ...inspector, ...config, ...automations, ...models } as const;

/** The dictionary shape every language must implement: same keys, any strings. */
export type Dictionary = Widen<typeof en>;
