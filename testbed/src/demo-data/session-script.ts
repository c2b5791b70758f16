// One app session of a demo customer, as the SDK would send it: app start, a few anonymous
// screens on a device that has not logged in yet, login, one or two journeys (balance, transfer,
// loan application, wealth purchase, bill payment, banner click), app end. Returns events in time
// order with realistic gaps.
import type { DemoCustomer, DemoDevice } from './customers.ts';
import type { Random } from './random.ts';
import type { WireEvent } from './wire-event.ts';

export const LARGE_TRANSFER_YUAN = 50_000;

interface SessionContext {
  readonly random: Random;
  readonly customer: DemoCustomer;
  readonly device: DemoDevice;
  readonly start: number;
  /** The device has logged in before (SDK keeps the login id across sessions until logout). */
  readonly knownDevice: boolean;
}

type Journey = (emit: Emitter, random: Random) => void;
type Emitter = (event: string, props?: Record<string, string | number | boolean>, gapS?: number) => void;

const screen = (emit: Emitter, name: string) => emit('$AppViewScreen', { $screen_name: name });

const JOURNEYS: ReadonlyArray<readonly [Journey, number]> = [
  [
    (emit) => {
      screen(emit, '账户总览');
      screen(emit, '交易明细');
    },
    30,
  ],
  [
    (emit, r) => {
      screen(emit, '转账');
      emit('$click', { $element_content: '转账', $screen_name: '转账' });
      const amount = Math.round(
        r.weighted([
          [r.logNormal(800, 1.2), 92],
          [r.logNormal(80_000, 0.6), 8],
        ] as const),
      );
      emit('transfer', { amount, to_bank_type: r.pick(['本行', '他行']) });
      if (amount >= LARGE_TRANSFER_YUAN) emit('large_transfer', { amount }, 1);
    },
    25,
  ],
  [
    (emit, r) => {
      screen(emit, '贷款');
      const product = r.pick(['惠农贷', '创业贷', '房抵贷']);
      emit('loan_view', { product_id: product });
      if (!r.chance(0.45)) return;
      emit('loan_apply_start', { product_id: product });
      if (!r.chance(0.5)) return;
      emit('loan_apply_submit', { product_id: product, amount: Math.round(r.logNormal(50_000, 0.7)) });
      if (r.chance(0.6)) emit('loan_approved', { product_id: product }, 120);
    },
    12,
  ],
  [
    (emit, r) => {
      screen(emit, '理财');
      const product = r.pick(['稳盈1号', '季季享', '天天利', '安心存']);
      emit('wealth_view', { product_id: product });
      if (r.chance(0.18))
        emit('wealth_purchase', { product_id: product, amount: Math.round(r.logNormal(20_000, 0.9)) });
    },
    15,
  ],
  [
    (emit, r) => {
      screen(emit, '生活缴费');
      emit('bill_pay', {
        bill_type: r.pick(['电费', '水费', '话费', '燃气费']),
        amount: Math.round(r.logNormal(120, 0.6)),
      });
    },
    10,
  ],
  [
    (emit, r) => {
      const banner = r.pick(['新春理财节', '惠农贷专场', '缴费立减']);
      emit('banner_click', { banner_id: banner, $screen_name: '首页' });
      screen(emit, banner);
    },
    8,
  ],
];

export function sessionEvents(ctx: SessionContext): WireEvent[] {
  const { random, customer, device } = ctx;
  const events: WireEvent[] = [];
  let t = ctx.start;
  let loginId: string | undefined = ctx.knownDevice && random.chance(0.5) ? customer.customerId : undefined;
  const sessionId = `s-${random.uuid().slice(0, 13)}`;
  const emit: Emitter = (event, props = {}, gapS) => {
    t += Math.round((gapS ?? random.int(3, 40)) * 1000);
    const properties: Record<string, string | number | boolean> = {
      $os: device.os,
      $model: device.model,
      $app_version: device.channel === 'app' ? '6.2.1' : '',
      $channel: device.channel,
      $lib: device.channel === 'app' ? 'tally-rn' : 'tally-web',
      $bank_code: customer.bankCode,
      ...props,
    };
    if (loginId) properties.$branch_code = customer.branchCode;
    events.push({
      type: 'track',
      event,
      uuid: random.uuid(),
      time: t,
      distinct_id: device.distinctId,
      ...(loginId ? { login_id: loginId } : {}),
      session_id: sessionId,
      properties,
    });
  };
  emit('$AppStart', { $is_first_time: !ctx.knownDevice }, 0);
  screen(emit, '首页');
  if (!loginId) {
    if (!ctx.knownDevice)
      for (let i = random.int(0, 2); i > 0; i--) screen(emit, random.pick(['理财', '贷款', '活动']));
    if (!random.chance(0.93)) {
      emit('$AppEnd', { $event_duration: Math.round((t - ctx.start) / 1000) });
      return events;
    }
    loginId = customer.customerId;
    emit('$Login', { login_method: random.pick(['密码', '指纹', '人脸']) });
  }
  for (
    let j = random.weighted([
      [1, 70],
      [2, 25],
      [3, 5],
    ] as const);
    j > 0;
    j--
  )
    random.weighted(JOURNEYS)(emit, random);
  emit('$AppEnd', { $event_duration: Math.round((t - ctx.start) / 1000) + 5 });
  return events;
}
