// Preloaded into a proxy process (NODE_OPTIONS=--require=…): counts the functions it makes from strings
// (`new Function`, zod's JIT among them) and writes the count, at exit, to $SIGNALBOX_STRING_CODE.
let made = 0;
globalThis.Function = new Proxy(Function, {
  construct(target, args) {
    made++;
    return Reflect.construct(target, args);
  },
  apply(target, self, args) {
    made++;
    return Reflect.apply(target, self, args);
  },
});
process.on('exit', () => process.getBuiltinModule('node:fs').writeFileSync(process.env.SIGNALBOX_STRING_CODE, String(made)));
