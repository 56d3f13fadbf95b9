// Next's ambient types (CSS side-effect imports, image modules) without depending on the generated, git-ignored
// next-env.d.ts, so `npm run typecheck` works on a clean checkout.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
