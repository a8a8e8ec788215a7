// Subject lines: the report, the province for a branch, the period, and a correction prefix.
import { describe, expect, it } from 'vitest';
import { subjectOf } from '#render/subject.ts';
import { provinceModel, smallHqModel } from './render-models.ts';

describe('the subject of a headquarters week', () => {
  it('names the report and the ISO week by its id, in Chinese', () => {
    expect(subjectOf(smallHqModel(), 'zh-CN')).toBe('【携号转网周报】2019-W48');
  });

  it('names the report and the ISO week by its id, in English', () => {
    expect(subjectOf(smallHqModel(), 'en')).toBe('MNP weekly briefing 2019-W48');
  });
});

describe('the subject of a province month', () => {
  it('names the province and the month', () => {
    // prepare
    const model = provinceModel();
    // act
    const subjects = [subjectOf(model, 'zh-CN'), subjectOf(model, 'en')];
    // assess
    expect(subjects).toEqual(['【携号转网月度指导】广东省 2019-11', 'MNP monthly guidance Guangdong 2019-11']);
  });
});

describe('a correction', () => {
  it('carries the correction prefix before the subject', () => {
    expect(subjectOf(provinceModel(), 'zh-CN', { correction: true })).toBe(
      '【更正】【携号转网月度指导】广东省 2019-11',
    );
    expect(subjectOf(smallHqModel(), 'en', { correction: true })).toBe('[Correction] MNP weekly briefing 2019-W48');
  });
});
