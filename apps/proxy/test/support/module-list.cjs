// Preloaded into a proxy process (NODE_OPTIONS=--require=…): at exit, writes the built-in modules it loaded, one per
// line, to $SIGNALBOX_MODULE_LIST.
process.on('exit', () => process.getBuiltinModule('node:fs').writeFileSync(process.env.SIGNALBOX_MODULE_LIST, `${process.moduleLoadList.join('\n')}\n`));
