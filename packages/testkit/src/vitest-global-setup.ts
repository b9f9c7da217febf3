import type { TestProject } from 'vitest/node';
import { describeInfrastructure } from './describe-infrastructure.js';
import { provideInfrastructure } from './infrastructure.js';
import type {} from './provided.js';

/** Finds (or starts) Kafka and MongoDB once for the integration project. */
export default async function setup(project: TestProject) {
  const infrastructure = await provideInfrastructure();
  const described = await describeInfrastructure(infrastructure.kafkaBrokers, infrastructure.mongoUrl);
  console.log(`integration tests run against (${infrastructure.source}): ${described}`);
  project.provide('kafkaBrokers', infrastructure.kafkaBrokers);
  project.provide('mongoUrl', infrastructure.mongoUrl);
  return () => infrastructure.stop();
}
