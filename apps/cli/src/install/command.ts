// `signalbox install [--ha] [--identity-trust-anchors-file …]`: prints the control plane's manifests for
// `kubectl apply -f -`. Without CA files a fresh trust anchor and issuer are generated (the anchor's key is dropped).
import { IdentityCaError } from '@signalbox/api';
import { defaultClusterNetworks, trustDomainSchema } from '@signalbox/shared';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { clusterNetworksArgument } from '../kube/cluster-networks.js';
import { defaultImageRegistry, defaultNamespace } from '../kube/mesh.js';
import { yamlStream } from '../kube/yaml-stream.js';
import { identityMaterial, installManifests } from './manifests.js';

interface InstallCliOptions {
  ha: boolean;
  namespace: string;
  imageRegistry: string;
  trustDomain: string;
  clusterNetworks: string[];
  identityTrustAnchorsFile?: string;
  identityIssuerCertificateFile?: string;
  identityIssuerKeyFile?: string;
}

export function addInstallCommand(program: Command): void {
  program
    .command('install')
    .description('Print the Kubernetes manifests of the Signalbox control plane (pipe to kubectl apply -f -)')
    .option('--ha', 'high availability: 3 replicas, pod anti-affinity and PodDisruptionBudgets', false)
    .option('--namespace <ns>', 'namespace of the control plane', dnsLabel, defaultNamespace)
    .option('--trust-domain <domain>', 'trust domain of the identities', trustDomain, 'cluster.local')
    .option(
      '--cluster-networks <cidrs>',
      'where the cluster’s pods and services live (default Linkerd’s private ranges); inject gives them to the proxies',
      clusterNetworksArgument,
      [...defaultClusterNetworks],
    )
    .option('--identity-trust-anchors-file <file>', 'PEM trust anchors (with the issuer files; default: generate a CA)')
    .option('--identity-issuer-certificate-file <file>', 'PEM issuer certificate, signed by a trust anchor')
    .option('--identity-issuer-key-file <file>', 'PEM issuer private key')
    .addOption(new Option('--image-registry <prefix>', 'where the Signalbox images come from').default(defaultImageRegistry))
    .action(async (o: InstallCliOptions) => {
      try {
        const identity = await identityMaterial(
          { trustAnchorsFile: o.identityTrustAnchorsFile, issuerCertFile: o.identityIssuerCertificateFile, issuerKeyFile: o.identityIssuerKeyFile },
          o.trustDomain,
        );
        process.stdout.write(yamlStream(installManifests({ namespace: o.namespace, ha: o.ha, imageRegistry: o.imageRegistry, trustDomain: o.trustDomain, clusterNetworks: o.clusterNetworks, identity })));
      } catch (err) {
        process.stderr.write(`signalbox install: ${err instanceof IdentityCaError || err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}

function dnsLabel(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) throw new InvalidArgumentError('must be a DNS-1123 label');
  return value;
}

function trustDomain(value: string): string {
  if (!trustDomainSchema.safeParse(value).success) throw new InvalidArgumentError('must be lowercase DNS labels separated by dots');
  return value;
}
