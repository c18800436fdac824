import { Controller } from '@nestjs/common';

/** The monthly Children in Custody report (stub, to be filled). */
@Controller()
export class ChildrenInCustodyController {}
