#!/usr/bin/env node
// The `signalbox` bin, committed so npm links it at install time; the build (the root `prepare`) makes dist/.
import '../dist/main.js';
