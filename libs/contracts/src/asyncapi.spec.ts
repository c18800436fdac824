import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { asyncApiYaml, buildAsyncApi } from './asyncapi';
import { TOPICS } from './topics';

describe('AsyncAPI document', () => {
  it('is in step with the code (regenerate with `npm run asyncapi`)', () => {
    const committed = readFileSync(join(__dirname, '..', 'asyncapi.yaml'), 'utf8');
    expect(committed).toBe(asyncApiYaml());
  });

  it('documents every topic, its DLQ and every event type of the registry', () => {
    const doc = buildAsyncApi() as { channels: Record<string, { address: string }>; components: { messages: Record<string, { name: string }> } };
    const addresses = Object.values(doc.channels).map((c) => c.address);
    const names = Object.values(doc.components.messages).map((m) => m.name);
    for (const topic of TOPICS) {
      expect(addresses).toContain(topic.name);
      expect(addresses).toContain(`${topic.name}.dlq`);
      for (const event of topic.events) expect(names).toContain(event.type);
    }
  });

  it('documents every validated field of every payload', () => {
    const doc = parse(asyncApiYaml()) as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    const storage = getMetadataStorage();
    const check = (cls: Function) => {
      const validated = new Set(storage.getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName));
      const documented = Object.keys(doc.components.schemas[cls.name]?.properties ?? {});
      expect({ cls: cls.name, missing: [...validated].filter((p) => !documented.includes(p)) }).toEqual({ cls: cls.name, missing: [] });
    };
    for (const topic of TOPICS) for (const event of topic.events) check(event.payload);
  });
});
