// The ID-Mapping scenario table. Each scenario lists its requests in arrival order and, written
// by hand from the rules in src/identity/README.md, the persons expected: the customers each one
// carries ('~x' = the anonymous person of device x, which never logged in) and its number of
// events; optionally which customer each bound identity value leads to (null: none).
export type Step =
  | {
      /** device */
      readonly d: string;
      readonly login?: string;
      /** minute of the event time */
      readonly t: number;
      /** number of events (default 1) */
      readonly n?: number;
      /** an SDK bind/unbind instead of events */
      readonly bind?: Record<string, string>;
      readonly unbind?: Record<string, string>;
    }
  | { readonly delete: string };

export interface Scenario {
  readonly name: string;
  readonly requests: Step[][];
  readonly persons: Record<string, number>;
  readonly identities?: Record<string, string | null>;
}

export const SCENARIOS: Scenario[] = [
  { name: 'anonymous only', requests: [[{ d: 'a', t: 1, n: 3 }]], persons: { '~a': 3 } },
  {
    name: 'anonymous then login on one device',
    requests: [
      [
        { d: 'a', t: 1, n: 2 },
        { d: 'a', login: 'C1', t: 5, n: 2 },
      ],
    ],
    persons: { C1: 4 },
  },
  {
    name: 'one customer on two devices',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'C1', t: 2 },
      ],
      [
        { d: 'b', t: 3 },
        { d: 'b', login: 'C1', t: 4 },
      ],
    ],
    persons: { C1: 4 },
  },
  {
    name: 'shared device: A logs out, B logs in; anonymous use stays with the first customer',
    requests: [
      [
        { d: 'a', login: 'A', t: 1, n: 2 },
        { d: 'a', t: 3 },
        { d: 'a', login: 'B', t: 5, n: 2 },
      ],
    ],
    persons: { A: 3, B: 2 },
  },
  {
    name: 'two customers are never merged, whatever the device order',
    requests: [
      [{ d: 'a', login: 'A', t: 1 }],
      [{ d: 'b', login: 'B', t: 2 }],
      [{ d: 'b', login: 'A', t: 3 }],
    ],
    persons: { A: 2, B: 1 },
  },
  {
    name: 'a late, earlier login takes the device (offline SDK)',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'B', t: 30 },
      ],
      [{ d: 'a', login: 'A', t: 20 }],
    ],
    persons: { A: 2, B: 1 },
  },
  {
    name: 'anonymous events after a logout belong to the first customer of the device',
    requests: [[{ d: 'a', login: 'C1', t: 1 }], [{ d: 'a', t: 10, n: 2 }]],
    persons: { C1: 3 },
  },
  {
    name: 'a device that never logs in stays its own anonymous person',
    requests: [
      [
        { d: 'a', t: 1, n: 2 },
        { d: 'b', login: 'C1', t: 2 },
      ],
    ],
    persons: { '~a': 2, C1: 1 },
  },
  {
    name: 'a retried request changes nothing',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'C1', t: 2 },
      ],
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'C1', t: 2 },
      ],
    ],
    persons: { C1: 2 },
  },
  {
    name: 'three devices, two customers, one shared',
    requests: [
      [
        { d: 'a', login: 'A', t: 1 },
        { d: 'b', t: 2 },
        { d: 'b', login: 'A', t: 3 },
      ],
      [
        { d: 'c', t: 4 },
        { d: 'c', login: 'B', t: 5 },
        { d: 'b', login: 'B', t: 6 },
        { d: 'b', t: 7 },
      ],
    ],
    persons: { A: 4, B: 3 },
  },
  {
    name: 're-login: the same customer logs out and in again on one device',
    requests: [[{ d: 'a', login: 'A', t: 1 }], [{ d: 'a', t: 2, n: 2 }], [{ d: 'a', login: 'A', t: 5 }]],
    persons: { A: 4 },
  },
  {
    name: 'two logins on one device in one request: the earlier by event time wins the device',
    requests: [
      [
        { d: 'a', login: 'B', t: 2 },
        { d: 'a', login: 'A', t: 1 },
        { d: 'a', t: 3, n: 2 },
      ],
    ],
    persons: { A: 3, B: 1 },
  },
  {
    name: 'offline anonymous events arriving after the login are attributed to the customer',
    requests: [[{ d: 'a', login: 'C1', t: 600 }], [{ d: 'a', t: 1, n: 3 }]],
    persons: { C1: 4 },
  },
  {
    name: 'anonymous use first, the login arrives in a later request',
    requests: [[{ d: 'a', t: 5, n: 2 }], [{ d: 'a', login: 'A', t: 10 }]],
    persons: { A: 3 },
  },
  {
    name: 'merge chain: three devices join one customer over three requests',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'C1', t: 2 },
      ],
      [
        { d: 'b', t: 3, n: 2 },
        { d: 'b', login: 'C1', t: 5 },
      ],
      [
        { d: 'c', t: 6 },
        { d: 'c', login: 'C1', t: 7 },
      ],
    ],
    persons: { C1: 7 },
  },
  {
    name: 'merge chain of late logins: each earlier login arriving later takes the device',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'B', t: 30 },
      ],
      [{ d: 'a', login: 'A', t: 20 }],
      [{ d: 'a', login: 'Z', t: 10 }],
    ],
    persons: { Z: 2, A: 1, B: 1 },
  },
  {
    name: 'shared device: A, logout, B, then A again; anonymous use stays with A',
    requests: [
      [
        { d: 'a', login: 'A', t: 1 },
        { d: 'a', t: 2 },
      ],
      [
        { d: 'a', login: 'B', t: 3 },
        { d: 'a', login: 'A', t: 4 },
        { d: 'a', t: 5 },
      ],
    ],
    persons: { A: 4, B: 1 },
  },
  {
    name: 'one customer across app, web banking and an H5 page, anonymous before each login',
    requests: [
      [
        { d: 'app', t: 1 },
        { d: 'app', login: 'C1', t: 2 },
      ],
      [
        { d: 'web', t: 3 },
        { d: 'web', login: 'C1', t: 4 },
      ],
      [
        { d: 'h5', t: 5 },
        { d: 'h5', login: 'C1', t: 6 },
      ],
    ],
    persons: { C1: 6 },
  },
  {
    name: 'two anonymous devices stay two persons',
    requests: [
      [
        { d: 'a', t: 1, n: 2 },
        { d: 'b', t: 1 },
      ],
    ],
    persons: { '~a': 2, '~b': 1 },
  },
  {
    name: 'two customers with interleaved events in one request',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'b', t: 1 },
        { d: 'a', login: 'A', t: 2 },
        { d: 'b', login: 'B', t: 2 },
      ],
    ],
    persons: { A: 2, B: 2 },
  },
  {
    name: 'bind on a device before login: the identity leads to the customer who logs in',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'a', t: 1, bind: { union_no: 'U1' } },
      ],
      [{ d: 'a', login: 'A', t: 2 }],
    ],
    persons: { A: 2 },
    identities: { U1: 'A' },
  },
  {
    name: 'bind after login: the identity leads to the customer',
    requests: [
      [
        { d: 'a', login: 'A', t: 1 },
        { d: 'a', login: 'A', t: 2, bind: { union_no: 'U1', phone_hash: 'P1' } },
      ],
    ],
    persons: { A: 1 },
    identities: { U1: 'A', P1: 'A' },
  },
  {
    name: 'one identity value belongs to the first customer who binds it',
    requests: [
      [{ d: 'a', login: 'A', t: 1, bind: { union_no: 'U1' } }],
      [{ d: 'b', login: 'B', t: 2, bind: { union_no: 'U1' } }],
      [{ d: 'b', login: 'B', t: 3 }],
    ],
    persons: { B: 1 },
    identities: { U1: 'A' },
  },
  {
    name: 'unbind removes the identity',
    requests: [
      [
        { d: 'a', login: 'A', t: 1 },
        { d: 'a', login: 'A', t: 2, bind: { union_no: 'U1' } },
      ],
      [{ d: 'a', login: 'A', t: 3, unbind: { union_no: 'U1' } }],
    ],
    persons: { A: 1 },
    identities: { U1: null },
  },
  {
    name: 'another customer cannot unbind an identity that is not theirs',
    requests: [
      [{ d: 'a', login: 'A', t: 1, bind: { union_no: 'U1' } }],
      [{ d: 'b', login: 'B', t: 2, unbind: { union_no: 'U1' } }],
    ],
    persons: {},
    identities: { U1: 'A' },
  },
  {
    name: 'deletion: a deleted customer leaves nothing; the other customer of a shared device keeps theirs',
    requests: [
      [
        { d: 'a', t: 1, n: 2 },
        { d: 'a', login: 'A', t: 2 },
        { d: 'a', login: 'B', t: 3, n: 2 },
        { d: 'b', login: 'A', t: 4, bind: { union_no: 'U1' } },
        { d: 'b', login: 'A', t: 4 },
      ],
      [{ delete: 'A' }],
    ],
    persons: { B: 2 },
    identities: { U1: null },
  },
  {
    name: 'deletion, then the same login id comes back as a new customer',
    requests: [
      [
        { d: 'a', t: 1 },
        { d: 'a', login: 'A', t: 2 },
      ],
      [{ delete: 'A' }],
      [{ d: 'c', login: 'A', t: 10 }],
    ],
    persons: { A: 1 },
  },
  {
    name: 'a device anonymous after its first customer was deleted starts a new anonymous person',
    requests: [[{ d: 'a', login: 'A', t: 1 }], [{ delete: 'A' }], [{ d: 'a', t: 5, n: 2 }]],
    persons: { '~a': 2 },
  },
];
