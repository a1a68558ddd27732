import type { CopulaFamily, CopulaFamilyDef } from "../types.js";
import { amhDef } from "./amh.js";
import { bb1Def } from "./bb1.js";
import { bb3Def } from "./bb3.js";
import { bb5Def } from "./bb5.js";
import { bb8Def } from "./bb8.js";
import { claytonDef } from "./clayton.js";
import { frankDef } from "./frank.js";
import { gumbelDef } from "./gumbel.js";
import { indepDef } from "./indep.js";
import { joeDef } from "./joe.js";

/** All copula families by name. Internal registry. */
export const COPULA_FAMILIES: Readonly<Record<CopulaFamily, CopulaFamilyDef>> = {
  indep: indepDef,
  amh: amhDef,
  clayton: claytonDef,
  frank: frankDef,
  gumbel: gumbelDef,
  joe: joeDef,
  bb1: bb1Def,
  bb3: bb3Def,
  bb5: bb5Def,
  bb8: bb8Def,
};
