// Objects keyed by names from outside (a peer's header fields, a stream's event names) need no inherited members:
// on `{}` a key named `constructor` reads Object.prototype's and one named `__proto__` sets the prototype.
// Object.create(null) has none, but V8 makes it a dictionary from the start: ~480 bytes for six fields and a hash
// lookup per read. An object made by a constructor whose prototype has no prototype has none either and stays in
// fast mode (~80 bytes for the same six, its shape shared by every object given the same keys in the same order).
function Bare(): void {}
Bare.prototype = Object.create(null) as object;

/** An empty object with no inherited members, in V8's fast mode. */
export function bareObject<T extends object>(): T {
  return new (Bare as unknown as new () => T)();
}
