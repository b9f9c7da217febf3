import { MongoDBContainer, type StartedMongoDBContainer } from '@testcontainers/mongodb';
import { getContainerRuntimeClient } from 'testcontainers';
import { type DedicatedKafka, startDedicatedKafka } from './dedicated-kafka.js';

export interface Infrastructure {
  kafkaBrokers: string;
  mongoUrl: string;
  /** Where the endpoints came from, for the test log. */
  source: 'environment' | 'testcontainers';
  stop(): Promise<void>;
}

export class InfrastructureUnavailableError extends Error {
  override name = 'InfrastructureUnavailableError';
}

const howToStart = [
  'Integration tests need a Kafka broker and a MongoDB-compatible server.',
  'Either start the local infrastructure and export its endpoints:',
  '  ./balai infra up && eval "$(./balai infra env)"',
  'or run the whole suite with ./balai test (it does both),',
  'or make a container runtime (Docker) available for Testcontainers.',
].join('\n');

async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the infrastructure for a test run: KAFKA_BROKERS and MONGO_URL when both are set (the
 * local Kafka + FerretDB that ./balai starts, or CI's), else Testcontainers with the official
 * images when a container runtime answers, else a clear failure saying how to start them.
 */
export async function provideInfrastructure(
  env: Record<string, string | undefined> = process.env,
): Promise<Infrastructure> {
  const { KAFKA_BROKERS: kafkaBrokers, MONGO_URL: mongoUrl } = env;
  if (kafkaBrokers && mongoUrl) {
    return { kafkaBrokers, mongoUrl, source: 'environment', stop: async () => {} };
  }
  if (kafkaBrokers || mongoUrl) {
    throw new InfrastructureUnavailableError(`Set both KAFKA_BROKERS and MONGO_URL, or neither.\n${howToStart}`);
  }
  if (!(await containerRuntimeAnswers())) throw new InfrastructureUnavailableError(howToStart);
  let kafka: DedicatedKafka | undefined;
  let mongo: StartedMongoDBContainer | undefined;
  try {
    [kafka, mongo] = await Promise.all([
      // The official apache/kafka image in KRaft mode (the Kafka module targets Confluent images).
      startDedicatedKafka({ container: true }),
      new MongoDBContainer('mongo:8.0').start(),
    ]);
  } catch (error) {
    await Promise.allSettled([kafka?.dispose(), mongo?.stop()]);
    throw error;
  }
  const started = { kafka, mongo };
  return {
    kafkaBrokers: started.kafka.brokers,
    mongoUrl: `${started.mongo.getConnectionString()}?directConnection=true`,
    source: 'testcontainers',
    stop: async () => {
      await Promise.allSettled([started.kafka.dispose(), started.mongo.stop()]);
    },
  };
}
