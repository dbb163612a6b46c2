/** A dictionary's shape with its strings widened: what another language must provide. */
export type Widen<T> = T extends string ? string : { [K in keyof T]: Widen<T[K]> };
