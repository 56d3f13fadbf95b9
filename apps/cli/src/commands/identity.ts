// `signalbox identity init --dir <d>`: generates the trust anchor and issuer the control plane's identity service
// uses (`signalbox-api --identity-dir <d>`), keys 0600. Refuses to touch an existing or half-written directory.
import { IdentityCaError, initIdentityDir } from '@signalbox/api';
import { trustDomainSchema } from '@signalbox/shared';
import { InvalidArgumentError, type Command } from 'commander';

export function addIdentityCommand(program: Command): void {
  const identity = program.command('identity').description('Manage the mesh identity CA');
  identity
    .command('init')
    .description('Generate a trust anchor (root CA) and an issuer certificate, ECDSA P-256, valid one year')
    .requiredOption('--dir <dir>', 'directory to create them in (ca.crt, ca.key, issuer.crt, issuer.key)')
    .option('--trust-domain <domain>', 'trust domain of the identities', parseTrustDomain, 'cluster.local')
    .action(async (options: { dir: string; trustDomain: string }) => {
      try {
        const { created, files } = await initIdentityDir(options.dir, { trustDomain: options.trustDomain });
        if (!created) {
          console.error(`${options.dir} already holds a CA; not overwriting it`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(
          `✔ trust anchor ${files.trustAnchorsFile}\n✔ issuer ${files.issuerCertFile} (key ${files.issuerKeyFile}, mode 0600)\n` +
            `start the control plane with --identity-dir ${options.dir}\n`,
        );
      } catch (err) {
        console.error(err instanceof IdentityCaError ? err.message : `cannot create the CA: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    });
}

function parseTrustDomain(value: string): string {
  const parsed = trustDomainSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'bad trust domain');
  return value;
}
