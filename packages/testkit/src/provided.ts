import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    mongoUrl: string;
  }
}

/** The Kafka and MongoDB endpoints the integration project's global setup found. */
export function infrastructureEndpoints(): { kafkaBrokers: string; mongoUrl: string } {
  return { kafkaBrokers: inject('kafkaBrokers'), mongoUrl: inject('mongoUrl') };
}
