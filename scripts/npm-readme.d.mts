/** Types of scripts/npm-readme.mjs, for the tests that import it. */
export declare const KEPT: string;
export declare function npmReadme(markdown: string, name: string, version: string): string;
