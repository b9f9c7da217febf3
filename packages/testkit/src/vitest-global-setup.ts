import type { TestProject } from 'vitest/node';
import { provideInfrastructure } from './infrastructure.js';
import type {} from './provided.js';

/** Finds (or starts) Kafka and MongoDB once for the integration project. */
export default async function setup(project: TestProject) {
  const infrastructure = await provideInfrastructure();
  console.log(
    `integration infrastructure (${infrastructure.source}): kafka ${infrastructure.kafkaBrokers}, mongodb ${infrastructure.mongoUrl}`,
  );
  project.provide('kafkaBrokers', infrastructure.kafkaBrokers);
  project.provide('mongoUrl', infrastructure.mongoUrl);
  return () => infrastructure.stop();
}
