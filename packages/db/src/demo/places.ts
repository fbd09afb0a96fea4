import type { Location, Ownership, SchoolType } from '@oversight/domain';

/** The fictional demo county: 云溪市青石县 in Sichuan (the city and county codes are unassigned in GB/T 2260). */
export const DEMO_PLACES = {
  province: { code: '510000', name: '四川省' },
  city: { code: '519900', name: '云溪市' },
  county: { code: '519921', name: '青石县' },
  /** The county seat first; towns (镇) have a market centre, townships (乡) are rural. */
  townships: [
    { code: '519921100', name: '城关镇', kind: 'seat' },
    { code: '519921101', name: '青石镇', kind: 'town' },
    { code: '519921102', name: '白鹤镇', kind: 'town' },
    { code: '519921103', name: '龙泉镇', kind: 'town' },
    { code: '519921104', name: '永安镇', kind: 'town' },
    { code: '519921200', name: '双河乡', kind: 'rural' },
    { code: '519921201', name: '石桥乡', kind: 'rural' },
    { code: '519921202', name: '桂花乡', kind: 'rural' },
  ],
} as const;

export interface DemoSchoolPlan {
  name: string;
  type: SchoolType;
  ownership: Ownership;
  location: Location;
  township: string;
  boarding: boolean;
  hasCanteen: boolean;
  /** Typical enrolment, from which floor and site areas (and later the quarterly figures) are derived. */
  students: number;
}

const VILLAGES = [
  '双龙',
  '杨柳',
  '金竹',
  '观音',
  '红岩',
  '新华',
  '茶园',
  '大坪',
  '柏林',
  '马鞍',
  '凉水',
  '石板',
  '黄桷',
  '松林',
  '高桥',
  '河坝',
  '玉泉',
  '天池',
  '长岭',
  '水井',
  '梨树',
  '花园',
  '太平',
  '回龙',
  '青杠',
  '庙坝',
  '五星',
  '团结',
];

const URBAN: Omit<DemoSchoolPlan, 'township' | 'location'>[] = [
  { name: '青石县第一中学', type: 'senior', ownership: 'public', boarding: true, hasCanteen: true, students: 2860 },
  { name: '青石中学', type: 'complete_secondary', ownership: 'public', boarding: true, hasCanteen: true, students: 3150 },
  { name: '青石县职业高级中学', type: 'vocational', ownership: 'public', boarding: true, hasCanteen: true, students: 1780 },
  { name: '青石县明德职业技术学校', type: 'vocational', ownership: 'private', boarding: true, hasCanteen: true, students: 640 },
  { name: '青石县特殊教育学校', type: 'special', ownership: 'public', boarding: true, hasCanteen: true, students: 118 },
  { name: '青石县实验中学', type: 'junior', ownership: 'public', boarding: false, hasCanteen: true, students: 1620 },
  { name: '青石县城关中学', type: 'junior', ownership: 'public', boarding: false, hasCanteen: true, students: 1380 },
  { name: '青石县实验小学', type: 'primary', ownership: 'public', boarding: false, hasCanteen: true, students: 2460 },
  { name: '青石县城关第一小学', type: 'primary', ownership: 'public', boarding: false, hasCanteen: true, students: 2150 },
  { name: '青石县城关第二小学', type: 'primary', ownership: 'public', boarding: false, hasCanteen: true, students: 1890 },
  { name: '青石县城关第三小学', type: 'primary', ownership: 'public', boarding: false, hasCanteen: false, students: 1240 },
  { name: '青石县育才学校', type: 'twelve_year', ownership: 'private', boarding: true, hasCanteen: true, students: 2230 },
  { name: '青石县第一幼儿园', type: 'kindergarten', ownership: 'public', boarding: false, hasCanteen: true, students: 480 },
  { name: '青石县第二幼儿园', type: 'kindergarten', ownership: 'public', boarding: false, hasCanteen: true, students: 420 },
  { name: '青石县实验幼儿园', type: 'kindergarten', ownership: 'public', boarding: false, hasCanteen: true, students: 390 },
  { name: '青石县阳光幼儿园', type: 'kindergarten', ownership: 'private', boarding: false, hasCanteen: true, students: 260 },
  { name: '青石县博雅幼儿园', type: 'kindergarten', ownership: 'private', boarding: false, hasCanteen: true, students: 210 },
  { name: '青石县启明星幼儿园', type: 'kindergarten', ownership: 'private', boarding: false, hasCanteen: true, students: 175 },
];

/** 71 schools of every type, as in a county of some 53,000 pupils (seed 003 reports 71 schools). */
export function demoSchoolPlans(random: { int(min: number, max: number): number }): DemoSchoolPlan[] {
  const seat = DEMO_PLACES.townships[0].name;
  const plans: DemoSchoolPlan[] = URBAN.map((s) => ({ ...s, township: seat, location: 'urban' }));
  let village = 0;
  for (const township of DEMO_PLACES.townships.slice(1)) {
    const short = township.name.slice(0, -1);
    const rural = township.kind === 'rural';
    const location = rural ? 'rural' : 'town';
    plans.push(
      rural
        ? {
            name: `${township.name}九年制学校`,
            type: 'nine_year',
            ownership: 'public',
            location,
            township: township.name,
            boarding: true,
            hasCanteen: true,
            students: random.int(520, 880),
          }
        : {
            name: `${township.name}中学`,
            type: 'junior',
            ownership: 'public',
            location,
            township: township.name,
            boarding: true,
            hasCanteen: true,
            students: random.int(680, 1150),
          },
      {
        name: `${township.name}中心小学`,
        type: 'primary',
        ownership: 'public',
        location,
        township: township.name,
        boarding: rural,
        hasCanteen: true,
        students: random.int(640, 1180),
      },
      {
        name: `${township.name}中心幼儿园`,
        type: 'kindergarten',
        ownership: 'public',
        location,
        township: township.name,
        boarding: false,
        hasCanteen: true,
        students: random.int(150, 320),
      },
    );
    if (!rural) {
      plans.push({
        name: `${short}${VILLAGES[village + 20] ?? '小太阳'}幼儿园`,
        type: 'kindergarten',
        ownership: 'private',
        location,
        township: township.name,
        boarding: false,
        hasCanteen: true,
        students: random.int(80, 160),
      });
    }
    for (let i = 0; i < 4; i++, village++) {
      plans.push({
        name: `${short}${VILLAGES[village]}村小学`,
        type: 'primary',
        ownership: 'public',
        location: 'rural',
        township: township.name,
        boarding: false,
        hasCanteen: random.int(0, 3) > 0,
        students: random.int(36, 210),
      });
    }
  }
  return plans;
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢唐许冯宋韩邓彭曾';
const GIVEN = [
  '建国',
  '文华',
  '明',
  '志强',
  '秀英',
  '丽',
  '海燕',
  '伟',
  '敏',
  '德明',
  '晓东',
  '红梅',
  '永红',
  '学军',
  '春华',
  '立新',
  '玉兰',
  '国庆',
  '小平',
  '俊',
];

export function demoPersonName(random: { pick<T>(items: readonly T[]): T }): string {
  return random.pick([...SURNAMES]) + random.pick(GIVEN);
}
