// `signalbox uninstall`: prints what removes the control plane (`signalbox uninstall | kubectl delete -f -
// --ignore-not-found`). Injected workloads keep their proxies until re-deployed without them.
import type { Command } from 'commander';
import { defaultNamespace } from '../kube/mesh.js';
import { yamlStream } from '../kube/yaml-stream.js';
import { uninstallList } from './uninstall.js';

export function addUninstallCommand(program: Command): void {
  program
    .command('uninstall')
    .description('Print the objects to delete to remove the control plane (pipe to kubectl delete --ignore-not-found -f -)')
    .option('--namespace <ns>', 'namespace of the control plane', defaultNamespace)
    .action((o: { namespace: string }) => {
      process.stdout.write(yamlStream([uninstallList(o.namespace)]));
    });
}
