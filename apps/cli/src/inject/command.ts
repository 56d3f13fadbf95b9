// `signalbox inject [files|dirs|-]…`: prints the manifests with the proxy added to every workload's pod template
// (pipe it to `kubectl apply -f -`); a line per workload on stderr. Invalid input: exit 1, nothing on stdout.
import { KubeConfigError, loadKubeConfig } from '@signalbox/api';
import { defaultClusterNetworks, defaultOpaquePorts, parsePortRanges } from '@signalbox/shared';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { clusterNetworksArgument, ClusterNetworksError, readClusterNetworks } from '../kube/cluster-networks.js';
import { defaultImageRegistry, defaultNamespace } from '../kube/mesh.js';
import { injectManifests, ManifestError, readManifestInputs } from './manifests.js';
import { readTrustAnchors, TrustAnchorsError } from './trust-anchors.js';

interface InjectOptions {
  namespace: string;
  identityTrustAnchorsFile?: string;
  kubeconfig?: string;
  imageRegistry: string;
  trustDomain: string;
  skipInboundPorts: string[];
  skipOutboundPorts: string[];
  opaquePorts: string[];
  clusterNetworks?: string[];
}

export function addInjectCommand(program: Command): void {
  program
    .command('inject')
    .description('Add the Signalbox proxy to the workloads in Kubernetes manifests (files, directories or stdin) and print them')
    .argument('[paths...]', 'manifest files or directories; "-" or none reads stdin')
    .option('--skip-inbound-ports <ports>', 'ports (or ranges) whose inbound traffic bypasses the proxy', ports, [])
    .option('--skip-outbound-ports <ports>', 'ports (or ranges) whose outbound traffic bypasses the proxy', ports, [])
    .option(
      '--opaque-ports <ports>',
      `the pods’ ports (or ranges) that speak a server-speaks-first or other undetectable protocol; with the template’s config.signalbox.io/opaque-ports, they replace the default list (${defaultOpaquePorts.join(',')})`,
      ports,
      [],
    )
    .option(
      '--cluster-networks <cidrs>',
      'where the cluster’s pods and services live: proxies ask discovery only about these (default: install’s, read from the cluster; with --identity-trust-anchors-file, Linkerd’s)',
      clusterNetworksArgument,
    )
    .option('--namespace <ns>', 'the control plane’s namespace', defaultNamespace)
    .option('--trust-domain <domain>', 'trust domain of the identities', 'cluster.local')
    .option('--identity-trust-anchors-file <file>', 'PEM trust anchors given to install (default: read install’s ConfigMap from the cluster)')
    .option('--kubeconfig <file>', 'the cluster to read the trust anchors from (default: in-cluster, KUBECONFIG, ~/.kube/config)')
    .addOption(new Option('--image-registry <prefix>', 'where the proxy images come from').default(defaultImageRegistry))
    .action(async (paths: string[], options: InjectOptions) => {
      try {
        const inputs = await readManifestInputs(paths, readStdin);
        // With the anchors file inject works offline and reads nothing from a cluster.
        const cluster = options.identityTrustAnchorsFile === undefined ? loadKubeConfig(options.kubeconfig) : undefined;
        const trustAnchorsPem = await readTrustAnchors(
          cluster ? { cluster, namespace: options.namespace } : { file: options.identityTrustAnchorsFile as string },
        );
        const clusterNetworks =
          options.clusterNetworks ?? (cluster ? await readClusterNetworks(cluster, options.namespace) : [...defaultClusterNetworks]);
        const { yaml, report } = injectManifests(inputs, {
          controlPlaneNamespace: options.namespace,
          trustAnchorsPem,
          imageRegistry: options.imageRegistry,
          trustDomain: options.trustDomain,
          skipInboundPorts: options.skipInboundPorts,
          skipOutboundPorts: options.skipOutboundPorts,
          opaquePorts: options.opaquePorts,
          clusterNetworks,
        });
        process.stdout.write(yaml);
        for (const r of report)
          if (r.outcome !== 'not a workload') process.stderr.write(`${r.name} ${r.outcome}${r.notes ? ` (${r.notes.join('; ')})` : ''}\n`);
      } catch (err) {
        if (err instanceof TrustAnchorsError || err instanceof KubeConfigError) {
          process.stderr.write(`signalbox inject: the proxies need the mesh's trust anchors: ${err.message} (or pass --identity-trust-anchors-file)\n`);
          process.exitCode = 1;
          return;
        }
        if (err instanceof ClusterNetworksError) {
          process.stderr.write(`signalbox inject: the proxies need the cluster networks: ${err.message} (or pass --cluster-networks)\n`);
          process.exitCode = 1;
          return;
        }
        if (!(err instanceof ManifestError)) throw err;
        process.stderr.write(`signalbox inject: ${err.message}\n`);
        process.exitCode = 1;
      }
    });
}

function ports(value: string, previous: string[]): string[] {
  try {
    return [...previous, ...parsePortRanges(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
