// The memory store runs the shared conformance suite; nothing here but how to build it.
import { counterStoreConformance } from '../counter-store.conformance.js';
import { openCounterStore } from '../open-counter-store.js';

counterStoreConformance({
  name: 'memory',
  shared: false,
  outage: false,
  async start() {
    return { open: (opts) => openCounterStore('memory://', opts), async dispose() {} };
  },
});
