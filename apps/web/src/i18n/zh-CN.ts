import type { zhCNSignedIn } from './zh-CN-signed-in';

/**
 * Every interface string in Chinese (the default language); `en.ts` must have the same keys. These are what the
 * first page needs (sign-in, first password, errors); the signed-in pages' strings are in `zh-CN-signed-in.ts`,
 * fetched with the signed-in shell.
 */
export const zhCN = {
  app: {
    title: '县域学校后勤督导平台',
    subtitle: '学校保险 · 节能降耗 · 绿色校园 · 食堂管理',
  },
  common: {
    save: '保存',
    cancel: '取消',
    confirm: '确定',
    edit: '编辑',
    create: '新建',
    close: '关闭',
    back: '返回',
    search: '搜索',
    retry: '重试',
    loading: '正在加载…',
    actions: '操作',
    yes: '是',
    no: '否',
    empty: '—',
    noRecords: '暂无数据',
    all: '全部',
    active: '启用',
    inactive: '停用',
    status: '状态',
    colon: '：',
    parenthesized: '（{{text}}）',
    listSeparator: '，',
    fullStop: '。',
    pagination: '第 {{from}}–{{to}} 条，共 {{total}} 条',
    saved: '已保存',
  },
  errors: {
    title: '操作未成功',
    network: '无法连接服务器，请检查网络后重试。',
    unknown: '操作未成功，请稍后重试。',
    loadFailed: '数据加载失败',
    notFound: '页面不存在',
    notFoundText: '您访问的页面不存在或您的账号无权访问。',
    toHome: '返回首页',
  },
  language: {
    label: '界面语言',
    switch: 'English',
  },
  auth: {
    username: '用户名',
    password: '密码',
    toggleVisibility: '显示或隐藏输入内容',
    signIn: '登录',
    signOut: '退出登录',
    heading: '账号登录',
    usernameRequired: '请输入用户名。',
    passwordRequired: '请输入密码。',
    hint: '学校账号的用户名为10位学校标识码。',
    signedOut: '您已退出登录。',
  },
  password: {
    change: '修改密码',
    current: '当前密码',
    new: '新密码',
    repeat: '再次输入新密码',
    repeatDiffers: '两次输入的新密码不一致。',
    rules: '至少8位，须同时包含字母和数字；不能包含用户名或学校标识码，不能是常见密码，不能与当前密码相同。',
    changed: '密码已修改。其他设备上的登录已退出。',
    firstTitle: '请先设置您自己的密码',
    firstExplained: '{{name}}（{{username}}），您现在使用的是管理员发放的初始密码。为保障账号安全，请设置只有您自己知道的新密码，设置后即可正常使用平台。',
    notYou: '不是您的账号？',
  },
};

type Messages<T> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };
export type MessageTree = Messages<typeof zhCN & typeof zhCNSignedIn>;
