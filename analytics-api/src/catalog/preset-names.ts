// Built-in display names for the events and properties Tally's SDKs (and the Sensors Analytics
// compatibility layer) send, so a fresh app reads in Chinese before anyone annotates it. Staff
// annotations override these; English names are the raw event names.
export const PRESET_EVENT_NAMES: Readonly<Record<string, string>> = {
  $AppStart: 'App 启动',
  $AppEnd: 'App 退出',
  $AppViewScreen: 'App 浏览页面',
  $pageview: 'Web 浏览页面',
  $pageleave: 'Web 离开页面',
  $click: '元素点击',
  $Login: '登录',
  $SignUp: '注册',
};

export const PRESET_PROPERTY_NAMES: Readonly<Record<string, string>> = {
  $os: '操作系统',
  $os_version: '操作系统版本',
  $browser: '浏览器',
  $browser_version: '浏览器版本',
  $model: '设备型号',
  $device_type: '设备类型',
  $app_version: 'App 版本',
  $lib: 'SDK 类型',
  $lib_version: 'SDK 版本',
  $channel: '渠道',
  $bank_code: '所属银行',
  $branch_code: '所属网点',
  $session_id: '会话 ID',
  $first_seen: '首次访问时间',
  $last_seen: '最近访问时间',
  $url: '页面地址',
  $title: '页面标题',
  $referrer: '前向地址',
  $screen_name: '页面名称',
  $event_duration: '停留时长',
};
