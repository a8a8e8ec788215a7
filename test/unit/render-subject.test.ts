// Subject lines: the report, the province for a branch, the period, and a correction prefix.
import { describe, expect, it } from 'vitest';
import { subjectOf } from '#render/subject.ts';
import { provinceModel, smallHqModel } from './render-models.ts';

describe('the subject of a headquarters week', () => {
  it('names the report and the ISO week in Chinese', () => {
    expect(subjectOf(smallHqModel(), 'zh-CN')).toBe('【携号转网周报】2019年第48周');
  });

  it('names the report and the ISO week in English', () => {
    expect(subjectOf(smallHqModel(), 'en')).toBe('MNP weekly briefing week 48 of 2019');
  });
});

describe('the subject of a province month', () => {
  it('names the province and the month', () => {
    // prepare
    const model = provinceModel();
    // act
    const subjects = [subjectOf(model, 'zh-CN'), subjectOf(model, 'en')];
    // assess
    expect(subjects).toEqual(['【携号转网月度指导】广东省 2019年11月', 'MNP monthly guidance Guangdong November 2019']);
  });
});

describe('a correction', () => {
  it('carries the correction prefix before the subject', () => {
    expect(subjectOf(provinceModel(), 'zh-CN', { correction: true })).toBe(
      '【更正】【携号转网月度指导】广东省 2019年11月',
    );
    expect(subjectOf(smallHqModel(), 'en', { correction: true })).toBe(
      '[Correction] MNP weekly briefing week 48 of 2019',
    );
  });
});
