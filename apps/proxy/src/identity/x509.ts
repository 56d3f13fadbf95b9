// @peculiar/x509 for the proxy's CSR, set up once (it needs a reflect polyfill and Node's WebCrypto).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

export { x509 };
