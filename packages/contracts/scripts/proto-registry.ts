import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

/** The repository root, seen from packages/contracts/scripts. */
export const repositoryRoot = join(import.meta.dirname, '../../..');

/** Every file of proto/ with its imports and source comments, as buf builds them. */
export function protoRegistry() {
  const image = execFileSync('buf', ['build', join(repositoryRoot, 'proto'), '-o', '-#format=binpb'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, image));
}
