// s3rver ships no types; only what the sandbox uses.
declare module 's3rver' {
  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    resetOnClose?: boolean;
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<unknown>;
    close(): Promise<void>;
    /** Its FilesystemStore (the sandbox hardens it: s3-server.ts). */
    store: unknown;
    on(event: 'error', listener: (err: Error & { status?: number }) => void): this;
  }
}
