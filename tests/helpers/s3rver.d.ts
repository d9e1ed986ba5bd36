// The part of s3rver 3.7 (no published types) the tests use.
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  interface S3rverOptions {
    silent?: boolean;
    directory: string;
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    /** The Koa request handler (S3rver extends Koa). */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
declare module "s3rver/lib/models/account" {
  export const DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
}
